import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { parse as parsePlist } from 'plist';
import { LAUNCHD_NODE_FLAGS } from '../../bench/node-flags.ts';
import { createSandbox, LABEL } from './standins.ts';

const sandbox = createSandbox();
after(() => sandbox.cleanup());

const SERVICE_DIR = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

it('the rendered plist parses and carries the required keys', () => {
  const { status, stdout, stderr } = sandbox.run('install.sh', ['--print-plist'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://192.168.1.20:4318',
    LAB_ENVIRONMENT: 'homelab',
    LAB_HOST_NAME: 'mac-studio',
    OTEL_RESOURCE_ATTRIBUTES: 'team=a&b,site=<home>',
  });
  assert.equal(status, 0, stderr);
  const parsed = parsePlist(stdout) as Record<string, unknown>;

  assert.equal(parsed.Label, LABEL);
  assert.deepEqual(parsed.ProgramArguments, [
    sandbox.node,
    ...LAUNCHD_NODE_FLAGS,
    `${SERVICE_DIR}/dist/main.js`,
  ]);
  assert.equal(parsed.WorkingDirectory, SERVICE_DIR);
  assert.equal(parsed.RunAtLoad, true);
  assert.equal(parsed.KeepAlive, true);
  assert.equal(typeof parsed.ThrottleInterval, 'number');
  assert.equal(parsed.StandardOutPath, `${sandbox.home}/Library/Logs/llm-lab/macmon-exporter.log`);
  assert.equal(
    parsed.StandardErrorPath,
    `${sandbox.home}/Library/Logs/llm-lab/macmon-exporter.err.log`,
  );

  const env = parsed.EnvironmentVariables as Record<string, string>;
  assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://192.168.1.20:4318');
  assert.equal(env.LAB_ENVIRONMENT, 'homelab');
  assert.equal(env.LAB_HOST_NAME, 'mac-studio');
  assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, 'team=a&b,site=<home>');
  assert.equal(env.OTEL_METRIC_EXPORT_INTERVAL, '5000');
  assert.match(env.PATH!, /\/opt\/homebrew\/bin/);
});

it('defaults: collector on localhost, environment lab, no optional keys', () => {
  const { stdout } = sandbox.run('install.sh', ['--print-plist']);
  const env = (parsePlist(stdout) as { EnvironmentVariables: Record<string, string> })
    .EnvironmentVariables;

  assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
  assert.equal(env.LAB_ENVIRONMENT, 'lab');
  assert.equal(env.LAB_HOST_NAME, undefined);
  assert.equal(env.MACMON_PATH, undefined);
});
