// Reading one numeric field of a macmon sample. macmon prints NaN/∞ as `null` (serde_json), and
// layouts differ between versions, so every lookup says which of four things it found.

import { isObject, type RawSample } from './parse-line.ts';

export type Field =
  | { kind: 'value'; value: number }
  | { kind: 'absent' }
  | { kind: 'null' }
  | { kind: 'invalid' };

const ABSENT: Field = { kind: 'absent' };
const NULL: Field = { kind: 'null' };
const INVALID: Field = { kind: 'invalid' };

export function numberField(raw: unknown): Field {
  if (raw === undefined) return ABSENT;
  if (raw === null) return NULL;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return INVALID;
  return { kind: 'value', value: raw };
}

/** `obj.key` or `obj.parent.key` as a number field. */
export function pathField(sample: RawSample, path: readonly string[]): Field {
  let node: unknown = sample;
  for (const key of path) {
    if (!isObject(node)) return node === null ? NULL : ABSENT;
    node = node[key];
  }
  return numberField(node);
}

/** Second element of a legacy `[MHz, ratio]` tuple (`ecpu_usage`, `gpu_usage`, …). */
export function tupleRatio(raw: unknown): Field {
  if (raw === undefined) return ABSENT;
  if (raw === null) return NULL;
  if (!Array.isArray(raw) || raw.length < 2) return INVALID;
  return numberField(raw[1]);
}

/** The first of several field names that is present: newer names first, legacy last. */
export function firstPresent(sample: RawSample, keys: readonly string[]): [string, unknown] {
  for (const key of keys) {
    if (sample[key] !== undefined) return [key, sample[key]];
  }
  return [keys[keys.length - 1] ?? '', undefined];
}
