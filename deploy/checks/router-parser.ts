import { access } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from './finding.ts';

interface RouterConfigModule {
  parseConfig(raw: unknown, options: { env: Record<string, string> }): unknown;
}

interface ConfigIssueLike {
  path: string;
  expected: string;
  received: string;
}

/**
 * Validates the deployed router config with exo-router's own parser (services/exo-router/src/
 * config.ts), expanding ${env:…} from the .env.example values, so the file the compose host mounts
 * is exactly what the router accepts at start-up.
 */
export async function checkRouterConfigWithRouter(
  servicesDir: string,
  label: (file: string) => string,
  raw: unknown,
  env: ReadonlyMap<string, string>,
  file: string,
): Promise<Finding[]> {
  const parser = path.join(servicesDir, 'exo-router', 'src', 'config.ts');
  const parserLabel = label(parser);
  const problem = (where: string, text: string, fix: string): Finding => ({
    rule: 'router-config-invalid',
    file,
    path: where,
    problem: text,
    fix,
  });

  if (
    !(await access(parser).then(
      () => true,
      () => false,
    ))
  ) {
    return [
      problem(
        '',
        `${parserLabel} is missing, so this file cannot be checked against the router`,
        `build exo-router's config module (${parserLabel} exporting parseConfig)`,
      ),
    ];
  }

  let module: RouterConfigModule;
  try {
    module = (await import(pathToFileURL(parser).href)) as RouterConfigModule;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return [
      problem(
        '',
        `${parserLabel} does not load (${reason})`,
        'fix the router config module, then rerun',
      ),
    ];
  }

  if (typeof module.parseConfig !== 'function') {
    return [
      problem(
        '',
        `${parserLabel} does not export parseConfig(raw, { env })`,
        'export the parser the router itself uses, or update this check',
      ),
    ];
  }

  try {
    module.parseConfig(raw, { env: Object.fromEntries(env) });
    return [];
  } catch (err) {
    const issues = (err as { issues?: ConfigIssueLike[] }).issues;
    if (!Array.isArray(issues)) {
      const reason = err instanceof Error ? err.message : String(err);
      return [
        problem(
          '',
          `exo-router rejects the file: ${reason}`,
          'correct the file as the router contract describes',
        ),
      ];
    }
    return issues.map((issue) =>
      problem(
        issue.path,
        `exo-router rejects it: expected ${issue.expected}, received ${issue.received}`,
        'correct this value as the router contract describes',
      ),
    );
  }
}
