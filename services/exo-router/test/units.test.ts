import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKeepAlive } from '../src/http/keep-alive.ts';
import { parseBytes, parseDuration } from '../src/units.ts';

test('durations: units, compounds, bare seconds, negatives, garbage', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration(45), 45_000);
  assert.equal(parseDuration('45'), 45_000);
  assert.equal(parseDuration('-1m'), -60_000);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration(true), undefined);
});

test('byte sizes: binary and decimal units, bare bytes', () => {
  assert.equal(parseBytes('32MiB'), 33_554_432);
  assert.equal(parseBytes('1GB'), 1_000_000_000);
  assert.equal(parseBytes('512 KiB'), 524_288);
  assert.equal(parseBytes(100), 100);
  assert.equal(parseBytes('3 parsecs'), undefined);
});

test('keep_alive: 0 unloads now, negative pins, durations and seconds', () => {
  assert.deepEqual(parseKeepAlive(0), { kind: 'unload-now' });
  assert.deepEqual(parseKeepAlive('0s'), { kind: 'unload-now' });
  assert.deepEqual(parseKeepAlive(-1), { kind: 'forever' });
  assert.deepEqual(parseKeepAlive('-1m'), { kind: 'forever' });
  assert.deepEqual(parseKeepAlive('10m'), { kind: 'duration', ms: 600_000 });
  assert.deepEqual(parseKeepAlive(30), { kind: 'duration', ms: 30_000 });
  assert.throws(() => parseKeepAlive('whenever'), { code: 'invalid_request' });
});
