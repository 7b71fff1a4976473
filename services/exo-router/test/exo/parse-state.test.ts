import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseState } from '../../src/exo/parse-state.ts';

test('nodeMemory: every field optional, camelCase or snake_case Memory values', () => {
  const state = parseState({
    nodeMemory: {
      a: { ramTotal: { inBytes: 68_719_476_736 }, ramAvailable: { inBytes: 40_000_000_000 } },
      b: { ram_total: { in_bytes: 1024 } },
      c: {},
      d: 'garbage',
    },
  });
  assert.deepEqual(Object.fromEntries(state.nodeMemory), {
    a: { totalBytes: 68_719_476_736, availableBytes: 40_000_000_000 },
    b: { totalBytes: 1024, availableBytes: undefined },
    c: { totalBytes: undefined, availableBytes: undefined },
    d: { totalBytes: undefined, availableBytes: undefined },
  });
  assert.equal(parseState({}).nodeMemory.size, 0);
});
