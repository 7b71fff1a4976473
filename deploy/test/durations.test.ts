import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../checks/durations.ts';

test('durations read as the lab writes them', () => {
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('15m'), 900);
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('1m30s'), 90);
  assert.equal(parseDuration('500ms'), 0.5);
  assert.equal(parseDuration(45), 45);
  assert.equal(parseDuration('45'), 45);
});

test('anything else is not a duration', () => {
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration('10 minutes'), undefined);
  assert.equal(parseDuration(undefined), undefined);
  assert.equal(parseDuration(Number.NaN), undefined);
});
