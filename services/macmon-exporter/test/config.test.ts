import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { ExporterError } from '../src/errors.ts';

it('defaults: 5 s interval, 64 KiB lines, 1 s → 60 s backoff; frozen', () => {
  const config = loadConfig([], { HOME: '/Users/me', PATH: '/usr/bin' });
  assert.equal(config.intervalMs, 5000);
  assert.equal(config.maxLineBytes, 65_536);
  assert.equal(config.restartInitialMs, 1000);
  assert.equal(config.restartMaxMs, 60_000);
  assert.equal(config.macmonPath, undefined);
  assert.equal(config.home, '/Users/me');
  assert.ok(Object.isFrozen(config));
});

it('flags override the environment', () => {
  const config = loadConfig(['--interval', '1000', '--macmon', '/x/macmon'], {
    MACMON_INTERVAL_MS: '250',
    MACMON_PATH: '/y/macmon',
  });
  assert.equal(config.intervalMs, 1000);
  assert.equal(config.macmonPath, '/x/macmon');
});

it('one error lists every bad field, its source and what arrived', () => {
  assert.throws(
    () => loadConfig([], { MACMON_INTERVAL_MS: '50', MACMON_MAX_LINE_BYTES: 'lots' }),
    (err: unknown) => {
      assert.ok(err instanceof ExporterError);
      assert.equal(err.code, 'MACMON_CONFIG_INVALID');
      assert.match(err.message, /MACMON_INTERVAL_MS \/ --interval: .*got "50"/);
      assert.match(err.message, /MACMON_MAX_LINE_BYTES: .*got "lots"/);
      return true;
    },
  );
});

it('an unknown flag is reported together with the bad variables', () => {
  assert.throws(
    () => loadConfig(['--bogus'], { MACMON_INTERVAL_MS: '5' }),
    /flags: Unknown option '--bogus'[\s\S]*MACMON_INTERVAL_MS/,
  );
});
