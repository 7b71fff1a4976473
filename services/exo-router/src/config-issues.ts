import type { z } from 'zod';

// Turns schema and cross-field problems into path / expected / received triples.

export interface ConfigIssue {
  path: string;
  expected: string;
  received: string;
}

// Replaces ${env:NAME} in every string value; an unset variable is an issue at that path.
export function substituteEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path: (string | number)[],
  issues: ConfigIssue[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found !== undefined) return found;
      issues.push({
        path: path.join('.'),
        expected: `environment variable ${name} to be set`,
        received: 'unset',
      });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], issues));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [
      k,
      substituteEnv(v, env, [...path, k], issues),
    ]);
    return Object.fromEntries(entries);
  }
  return value;
}

export function toIssues(issue: z.core.$ZodIssue, raw: unknown): ConfigIssue[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      expected: 'no such key (it is not a known setting)',
      received: describe(valueAt(raw, [...path, key])),
    }));
  }
  const generic = issue.code === 'invalid_type' && issue.message.startsWith('Invalid input');
  const expected = generic ? `a ${issue.expected}` : issue.message;
  return [{ path: path.join('.') || '(root)', expected, received: describe(valueAt(raw, path)) }];
}

function valueAt(raw: unknown, path: string[]): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

// Names and aliases must be unique across models and upstreams (globs excluded). Runs on
// the raw document so that it reports alongside schema problems.
export function duplicateNames(raw: unknown): ConfigIssue[] {
  const seen = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const claim = (name: unknown, path: string) => {
    if (typeof name !== 'string' || name.includes('*')) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, path);
    else
      issues.push({
        path,
        expected: `a name not already used by ${first}`,
        received: JSON.stringify(name),
      });
  };
  for (const [name, model] of entriesAt(raw, 'models')) {
    claim(name, `models.${name}`);
    const aliases = (model as { aliases?: unknown } | null)?.aliases;
    if (!Array.isArray(aliases)) continue;
    for (const [i, alias] of aliases.entries()) claim(alias, `models.${name}.aliases.${i}`);
  }
  for (const [name, upstream] of entriesAt(raw, 'upstreams')) {
    const names = (upstream as { models?: unknown } | null)?.models;
    if (!Array.isArray(names)) continue;
    for (const [i, model] of names.entries()) claim(model, `upstreams.${name}.models.${i}`);
  }
  return issues;
}

function entriesAt(raw: unknown, key: string): [string, unknown][] {
  const value = valueAt(raw, [key]);
  return value !== null && typeof value === 'object' ? Object.entries(value) : [];
}
