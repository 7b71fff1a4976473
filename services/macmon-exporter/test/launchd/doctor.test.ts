import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { macmonStandinEnv, macmonStandinPath } from '@llm-lab/testkit/macmon';
import { createSandbox } from './standins.ts';

const sandbox = createSandbox();
after(() => sandbox.cleanup());

it('prints a macmon sample and explains a "No route to host" from the collector', () => {
  // The stand-in macmon is `#!/usr/bin/env node`: the real node must come before the sandbox's.
  const nodeDir = macmonStandinEnv().PATH!.split(':')[0];
  const { status, stdout } = sandbox.run('doctor.sh', [], {
    MACMON_PATH: macmonStandinPath,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://192.168.1.20:4318',
    PATH: `${nodeDir}:${sandbox.root}/bin:/usr/bin:/bin`,
  });

  assert.notEqual(status, 0);
  assert.match(stdout, /ok {4}macmon: .*bin\/macmon/);
  assert.match(stdout, /sample: \{"all_power"/);
  assert.match(stdout, /FAIL {2}collector http:\/\/192\.168\.1\.20:4318: No route to host/);
  assert.match(stdout, /Local Network privacy/);
  assert.match(stdout, /127\.0\.0\.1/);
});
