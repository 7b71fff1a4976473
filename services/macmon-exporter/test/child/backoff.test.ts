import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createBackoff } from '../../src/child/backoff.ts';

const options = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 300_000 };

it('doubles from 1 s up to 60 s', () => {
  const backoff = createBackoff(options);
  const delays = Array.from({ length: 9 }, () => backoff.next(0));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
});

it('goes back to 1 s after 5 minutes of healthy output', () => {
  const backoff = createBackoff(options);
  for (let i = 0; i < 5; i += 1) backoff.next(10_000);
  assert.equal(backoff.next(299_999), 32_000);
  assert.equal(backoff.next(300_000), 1000);
  assert.equal(backoff.next(0), 2000);
});
