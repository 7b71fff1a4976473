import { readFile } from 'node:fs/promises';
import type { Finding } from './finding.ts';

export type EnvSyntax = 'collector' | 'litellm' | 'compose';

export interface EnvReference {
  readonly name: string;
  readonly line: number;
}

export interface EnvExample {
  /** Variable name → whether a comment sits on the line(s) just above it or beside it. */
  readonly vars: Map<string, { line: number; commented: boolean; value: string }>;
  readonly findings: Finding[];
}

const patterns: Record<EnvSyntax, RegExp> = {
  // ${env:NAME} and ${env:NAME:-default}; $${env:…} is an escaped literal.
  collector: /(?<!\$)\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g,
  litellm: /os\.environ\/([A-Za-z_][A-Za-z0-9_]*)/g,
  // ${NAME}, ${NAME:-x}, ${NAME?err} and $NAME; $$ escapes.
  compose: /(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?-][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
};

/** Every environment variable a config file reads, skipping comment lines. */
export function findEnvReferences(text: string, syntax: EnvSyntax): EnvReference[] {
  const found: EnvReference[] = [];
  const lines = text.split('\n');

  for (const [index, line] of lines.entries()) {
    if (line.trimStart().startsWith('#')) continue;
    for (const match of line.matchAll(patterns[syntax])) {
      const name = match[1] ?? match[2];
      if (name !== undefined) found.push({ name, line: index + 1 });
    }
  }
  return found;
}

/** Parses a `.env.example`: `NAME=value` lines, each expected to carry a comment. */
export async function readEnvExample(file: string, label: string): Promise<EnvExample> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const finding: Finding = {
      rule: 'parse-error',
      file: label,
      path: '',
      problem: 'the environment example is missing',
      fix: 'create it with one commented NAME=value line per variable the configs read',
    };
    return { vars: new Map(), findings: [finding] };
  }

  const vars = new Map<string, { line: number; commented: boolean; value: string }>();
  let commentAbove = false;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line.startsWith('#')) {
      commentAbove = true;
      continue;
    }
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) {
      const [value = '', inline] = (match[2] ?? '').split(/\s+#/, 2);
      const commented = commentAbove || inline !== undefined;
      vars.set(match[1], { line: index + 1, commented, value: value.trim() });
      commentAbove = false;
      continue;
    }
    commentAbove = false;
  }
  return { vars, findings: [] };
}

/** Findings for variables a config reads that the example does not list. */
export function checkEnvListed(
  refs: readonly EnvReference[],
  example: EnvExample,
  file: string,
  exampleLabel: string,
): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();

  for (const ref of refs) {
    if (example.vars.has(ref.name) || seen.has(ref.name)) continue;
    seen.add(ref.name);
    findings.push({
      rule: 'env-not-listed',
      file,
      path: `line ${ref.line}`,
      problem: `reads environment variable ${ref.name}, which ${exampleLabel} does not list`,
      fix: `add "# what it is" and "${ref.name}=<example>" to ${exampleLabel}`,
    });
  }
  return findings;
}

/** Findings for variables in the example that carry no comment. */
export function checkEnvCommented(example: EnvExample, label: string): Finding[] {
  return [...example.vars]
    .filter(([, entry]) => !entry.commented)
    .map(([name, entry]) => ({
      rule: 'env-not-commented' as const,
      file: label,
      path: `line ${entry.line}`,
      problem: `${name} has no comment saying what it is`,
      fix: `put a "# …" line directly above ${name}=`,
    }));
}
