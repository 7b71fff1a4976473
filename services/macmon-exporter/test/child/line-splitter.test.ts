import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLineSplitter } from '../../src/child/line-splitter.ts';

function collect(maxLineBytes: number) {
  const lines: string[] = [];
  const oversized: number[] = [];
  const splitter = createLineSplitter({
    maxLineBytes,
    onLine: (line) => lines.push(line),
    onOversized: (bytes) => oversized.push(bytes),
  });
  return { splitter, lines, oversized };
}

it('joins lines split across chunks and strips CR', () => {
  const { splitter, lines } = collect(100);
  splitter.push(Buffer.from('{"a":'));
  splitter.push(Buffer.from('1}\r\n{"b":2}\n{"c"'));
  splitter.push(Buffer.from(':3}\n'));
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
});

it('drops a line over the cap whole, reports it once, and goes on with the next', () => {
  const { splitter, lines, oversized } = collect(16);
  splitter.push(Buffer.from('short\n'));
  splitter.push(Buffer.from('x'.repeat(10)));
  splitter.push(Buffer.from('x'.repeat(10)));
  splitter.push(Buffer.from('x'.repeat(1000)));
  splitter.push(Buffer.from('xx\nafter\n'));
  assert.deepEqual(lines, ['short', 'after']);
  assert.deepEqual(oversized, [1022]);
});

it('keeps memory bounded while a newline never comes', () => {
  const { splitter, lines, oversized } = collect(1024);
  for (let i = 0; i < 10_000; i += 1) splitter.push(Buffer.alloc(1024, 0x61));
  assert.deepEqual(lines, []);
  assert.deepEqual(oversized, []);
  splitter.push(Buffer.from('\nok\n'));
  assert.deepEqual(oversized, [10_240_000]);
  assert.deepEqual(lines, ['ok']);
});

it('reset() drops a partial line (child killed mid-write)', () => {
  const { splitter, lines } = collect(100);
  splitter.push(Buffer.from('{"cut'));
  splitter.reset();
  splitter.push(Buffer.from('{"whole":1}\n'));
  assert.deepEqual(lines, ['{"whole":1}']);
});

it('decodes multi-byte UTF-8 split across chunks', () => {
  const { splitter, lines } = collect(100);
  const bytes = Buffer.from('°C\n');
  splitter.push(bytes.subarray(0, 1));
  splitter.push(bytes.subarray(1));
  assert.deepEqual(lines, ['°C']);
});
