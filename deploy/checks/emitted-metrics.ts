import { createHash } from 'node:crypto';
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  collectorMetricNames,
  litellmMetricNames,
  o11yOrgMetricNames,
} from './external-metrics.ts';
import type { Finding } from './finding.ts';

export interface EmittedMetrics {
  /** Metric name → who emits it (a service folder, "litellm" or "otelcol"). */
  readonly names: Map<string, string>;
  readonly findings: Finding[];
}

/**
 * Collects every metric name the lab emits: each service's own `src/metric-names.ts` (the file its
 * code creates instruments from) plus the hand-kept lists for LiteLLM, the collector and Splunk O11y.
 */
export async function loadEmittedMetrics(
  servicesDir: string,
  label: (file: string) => string,
): Promise<EmittedMetrics> {
  const names = new Map<string, string>();
  const findings: Finding[] = [];

  for (const service of await serviceFolders(servicesDir)) {
    const file = path.join(servicesDir, service, 'src', 'metric-names.ts');
    const where = label(file);
    const loaded = await importMetricNames(file);
    if (typeof loaded === 'string') {
      findings.push({
        rule: 'metric-names-missing',
        file: where,
        path: 'metricNames',
        problem: `${loaded}, so the dashboards cannot be checked against what ${service} emits`,
        fix: `create ${where} exporting "export const metricNames = { … } as const;" with every metric ${service} creates`,
      });
      continue;
    }
    for (const name of loaded) names.set(name, service);
  }

  for (const name of litellmMetricNames) names.set(name, 'litellm');
  for (const name of collectorMetricNames) names.set(name, 'otelcol');
  for (const name of o11yOrgMetricNames) names.set(name, 'splunk-o11y');
  return { names, findings };
}

async function serviceFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const folders: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const manifest = path.join(dir, entry.name, 'package.json');
    if (
      await access(manifest).then(
        () => true,
        () => false,
      )
    )
      folders.push(entry.name);
  }
  return folders.sort();
}

/** The values of `metricNames`, or a sentence saying why they could not be read. */
async function importMetricNames(file: string): Promise<string[] | string> {
  if (
    !(await access(file).then(
      () => true,
      () => false,
    ))
  )
    return 'the file is missing';

  // The content hash in the URL makes a changed file load anew instead of from the module cache.
  const hash = createHash('sha256')
    .update(await readFile(file))
    .digest('hex')
    .slice(0, 16);
  let exported: unknown;
  try {
    exported = (await import(`${pathToFileURL(file).href}?content=${hash}`)).metricNames;
  } catch (err) {
    return `the file does not load (${err instanceof Error ? err.message : String(err)})`;
  }
  if (exported === null || typeof exported !== 'object') return 'it exports no metricNames object';

  const values = collectStrings(exported);
  if (values.length === 0) return 'its metricNames object holds no metric names';
  return values;
}

/** Strings at any depth, so a grouped `{ power: { total: 'mac.power.total' } }` also counts. */
function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(collectStrings);
}
