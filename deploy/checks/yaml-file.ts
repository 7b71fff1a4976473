import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { Finding } from './finding.ts';

export interface LoadedYaml {
  readonly value: unknown;
  readonly text: string;
  readonly findings: Finding[];
}

/** Reads and parses a YAML file; a missing or malformed file becomes a finding, never a throw. */
export async function loadYaml(file: string, label: string): Promise<LoadedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const problem = `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    return { value: undefined, text: '', findings: [parseFinding(label, problem)] };
  }

  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const findings = doc.errors.map((e) => parseFinding(label, `invalid YAML: ${e.message}`));
    return { value: undefined, text, findings };
  }
  return { value: doc.toJS(), text, findings: [] };
}

function parseFinding(file: string, problem: string): Finding {
  return { rule: 'parse-error', file, path: '', problem, fix: 'make the file exist and parse' };
}

/** Narrows an unknown YAML node to a plain mapping (empty when it is anything else). */
export function asMap(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return value as Record<string, unknown>;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** 1-based line of the first occurrence of `needle` in `text`, or 0 when absent. */
export function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) return 0;
  return text.slice(0, at).split('\n').length;
}
