// One line of `macmon pipe` output → a raw sample object, or the reason it is not one.
// Key order and unknown keys never matter: fields are looked up by name later.

export type RawSample = Record<string, unknown>;

export type LineRejection = 'not_json' | 'not_an_object';

export type ParsedLine =
  | { kind: 'sample'; sample: RawSample }
  | { kind: 'empty' }
  | { kind: 'rejected'; reason: LineRejection };

export function parseLine(line: string): ParsedLine {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };

  // Cheap pre-check: macmon prints errors as plain text ("Error: …"); skip the throw.
  const first = text[0];
  if (first !== '{' && first !== '[') return { kind: 'rejected', reason: 'not_json' };

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'rejected', reason: 'not_json' };
  }

  if (!isObject(value)) return { kind: 'rejected', reason: 'not_an_object' };
  return { kind: 'sample', sample: value };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
