import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { heartbeatIsFresh } from '../src/healthcheck.ts';
import { scratchDir, startExporter, waitUntil } from './support/exporter-process.ts';

const scratch = scratchDir();
after(() => scratch.dispose());
const script = join(import.meta.dirname, '..', 'src', 'healthcheck.ts');

it('passes only for a heartbeat younger than the age the exporter allowed', () => {
  const path = join(scratch.path, 'beat.json');
  writeFileSync(path, JSON.stringify({ at: 1000, maxAgeMs: 500 }));
  assert.equal(heartbeatIsFresh(path, 1500), true);
  assert.equal(heartbeatIsFresh(path, 1501), false);
  assert.equal(heartbeatIsFresh(join(scratch.path, 'missing.json'), 0), false);

  writeFileSync(path, JSON.stringify({ at: Date.now(), maxAgeMs: 60_000 }));
  assert.equal(spawnSync(process.execPath, [script, path]).status, 0);
  writeFileSync(path, JSON.stringify({ at: Date.now() - 120_000, maxAgeMs: 60_000 }));
  assert.equal(spawnSync(process.execPath, [script, path]).status, 1);
});

it('the running exporter keeps a heartbeat the check accepts', async () => {
  const path = join(scratch.path, 'live.json');
  const exporter = startExporter({ HEARTBEAT_FILE: path, OTEL_METRICS_EXPORTER: 'none' });
  try {
    await exporter.waitForLog((l) => l.msg === 'GPU found');
    await waitUntil(() => existsSync(path), 5000, 'the heartbeat file');
    assert.equal(spawnSync(process.execPath, [script, path]).status, 0);
  } finally {
    assert.equal((await exporter.stop()).code, 0);
  }
});
