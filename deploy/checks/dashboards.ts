import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type MetricUse,
  signalflowMetricUses,
  signozMetricUses,
  splunkMetricUses,
} from './dashboard-queries.ts';
import type { Finding } from './finding.ts';
import { matchesGlob } from './router-config.ts';

// How backends name the parts of a histogram: SigNoz `<name>.count|.sum|…`, Splunk HEC and SignalFx
// `<name>_count|_sum|_min|_max|_bucket`.
const histogramSuffix = /^(.+)[._](count|sum|min|max|bucket)$/;

/** Checks that every metric any dashboard queries is emitted by a service, LiteLLM or the collector. */
export async function checkDashboards(
  dashboardsDir: string,
  emitted: ReadonlyMap<string, string>,
  label: (file: string) => string,
): Promise<Finding[]> {
  const findings: Finding[] = [];

  for (const file of await listFiles(dashboardsDir)) {
    const uses = await metricUses(file);
    if (typeof uses === 'string') {
      findings.push({
        rule: 'parse-error',
        file: label(file),
        path: '',
        problem: uses,
        fix: 'make the dashboard file valid',
      });
      continue;
    }
    for (const use of uses) {
      if (isEmitted(use.name, emitted)) continue;
      findings.push({
        rule: 'dashboard-unknown-metric',
        file: label(file),
        path: use.path,
        problem: `queries metric "${use.name}", which no service, LiteLLM or the collector emits`,
        fix: `use a name from services/*/src/metric-names.ts (or checks/external-metrics.ts), or add "${use.name}" to the service that should emit it`,
      });
    }
  }
  return findings;
}

/** True when the name (or the histogram it is a part of, or a glob) is an emitted metric. */
export function isEmitted(name: string, emitted: ReadonlyMap<string, string>): boolean {
  if (emitted.has(name)) return true;
  if (name.includes('*')) return [...emitted.keys()].some((known) => matchesGlob(known, name));
  const base = histogramSuffix.exec(name)?.[1];
  return base !== undefined && emitted.has(base);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && /\.(json|signalflow)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function metricUses(file: string): Promise<MetricUse[] | string> {
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.signalflow')) return signalflowMetricUses(text);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  const parts = file.split(path.sep);
  if (parts.includes('signoz')) return signozMetricUses(json);
  if (parts.includes('splunk')) return splunkMetricUses(json);
  return `cannot tell the dashboard format; put it under dashboards/signoz/ or dashboards/splunk/`;
}
