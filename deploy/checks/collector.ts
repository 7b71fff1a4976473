import { pinnedCollectorVersion, removedKeys, renamedTypes } from './collector-renames.ts';
import { parseDuration } from './durations.ts';
import type { Finding } from './finding.ts';
import { asList, asMap } from './yaml-file.ts';

const kinds = ['receivers', 'processors', 'exporters', 'connectors'] as const;
type Kind = (typeof kinds)[number];

/** Checks an otelcol-contrib config against the pinned release and the lab's pipeline rules. */
export function checkCollector(config: unknown, file: string): Finding[] {
  const root = asMap(config);
  const service = asMap(root.service);
  const pipelines = asMap(service.pipelines);
  const at = (path: string, rule: Finding['rule'], problem: string, fix: string): Finding => ({
    rule,
    file,
    path,
    problem,
    fix,
  });

  return [
    ...checkReferences(root, pipelines, at),
    ...checkUnused(root, service, pipelines, at),
    ...checkRemovedNames(root, service, at),
    ...checkOrder(pipelines, at),
    ...checkMemoryLimiter(root, at),
  ];
}

type At = (path: string, rule: Finding['rule'], problem: string, fix: string) => Finding;

function typeOf(id: string): string {
  return id.split('/')[0] ?? id;
}

function defined(root: Record<string, unknown>, kind: Kind | 'extensions'): Set<string> {
  return new Set(Object.keys(asMap(root[kind])));
}

function pipelineRefs(pipeline: unknown, role: 'receivers' | 'processors' | 'exporters'): string[] {
  return asList(asMap(pipeline)[role]).map(String);
}

function checkReferences(
  root: Record<string, unknown>,
  pipelines: Record<string, unknown>,
  at: At,
) {
  const findings: Finding[] = [];
  const connectors = defined(root, 'connectors');

  for (const [name, pipeline] of Object.entries(pipelines)) {
    for (const role of ['receivers', 'processors', 'exporters'] as const) {
      const known = defined(root, role);
      for (const id of pipelineRefs(pipeline, role)) {
        if (known.has(id) || (role !== 'processors' && connectors.has(id))) continue;
        findings.push(
          at(
            `service.pipelines.${name}.${role}`,
            'undefined-component',
            `pipeline names ${role.slice(0, -1)} "${id}", which is not defined under ${role}:`,
            `define "${id}" under ${role}: or remove it from the pipeline`,
          ),
        );
      }
    }
  }

  const extensions = defined(root, 'extensions');
  const service = asMap(root.service);
  for (const id of asList(service.extensions).map(String)) {
    if (extensions.has(id)) continue;
    findings.push(
      at(
        'service.extensions',
        'undefined-component',
        `service enables extension "${id}", which is not defined under extensions:`,
        `define "${id}" under extensions: or remove it from service.extensions`,
      ),
    );
  }
  return findings;
}

function checkUnused(
  root: Record<string, unknown>,
  service: Record<string, unknown>,
  pipelines: Record<string, unknown>,
  at: At,
) {
  const used = new Set<string>();
  for (const pipeline of Object.values(pipelines)) {
    for (const role of ['receivers', 'processors', 'exporters'] as const) {
      for (const id of pipelineRefs(pipeline, role)) used.add(`${role}:${id}`);
      for (const id of pipelineRefs(pipeline, role)) used.add(`connectors:${id}`);
    }
  }
  for (const id of asList(service.extensions).map(String)) used.add(`extensions:${id}`);

  const findings: Finding[] = [];
  for (const kind of [...kinds, 'extensions'] as const) {
    for (const id of defined(root, kind)) {
      if (used.has(`${kind}:${id}`)) continue;
      const where = kind === 'extensions' ? 'service.extensions' : 'a pipeline';
      const unused =
        kind === 'extensions' ? 'service.extensions does not list it' : 'no pipeline uses it';
      findings.push(
        at(
          `${kind}.${id}`,
          'unused-component',
          `${kind.slice(0, -1)} "${id}" is defined but ${unused}, so it does nothing`,
          `add "${id}" to ${where} or delete its definition`,
        ),
      );
    }
  }
  return findings;
}

function checkRemovedNames(
  root: Record<string, unknown>,
  service: Record<string, unknown>,
  at: At,
) {
  const findings: Finding[] = [];

  for (const renamed of renamedTypes) {
    for (const id of defined(root, renamed.kind)) {
      if (typeOf(id) !== renamed.type) continue;
      const suffix = id.slice(renamed.type.length);
      findings.push(
        at(
          `${renamed.kind}.${id}`,
          'removed-name',
          `"${renamed.type}" is not a current name in otelcol-contrib v${pinnedCollectorVersion} (${renamed.since})`,
          `use ${renamed.replacement.includes(' ') ? renamed.replacement : `"${renamed.replacement}${suffix}"`}, here and in every pipeline that names it`,
        ),
      );
    }
  }

  for (const removed of removedKeys) {
    for (const [id, body] of Object.entries(asMap(root[removed.kind]))) {
      if (removed.type !== '*' && typeOf(id) !== removed.type) continue;
      if (!(removed.key in asMap(body))) continue;
      findings.push(
        at(
          `${removed.kind}.${id}.${removed.key}`,
          'removed-name',
          `"${removed.key}" is removed or moved in otelcol-contrib v${pinnedCollectorVersion}`,
          removed.fix,
        ),
      );
    }
  }

  const metrics = asMap(asMap(service.telemetry).metrics);
  if ('address' in metrics) {
    findings.push(
      at(
        'service.telemetry.metrics.address',
        'removed-name',
        `metrics.address is ignored since v0.123 (pinned: v${pinnedCollectorVersion}), so the collector serves its own metrics on localhost only`,
        'replace it with readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: 8888}}}}]',
      ),
    );
  }
  return findings;
}

function checkOrder(pipelines: Record<string, unknown>, at: At) {
  const findings: Finding[] = [];
  for (const [name, pipeline] of Object.entries(pipelines)) {
    const processors = pipelineRefs(pipeline, 'processors');
    const path = `service.pipelines.${name}.processors`;
    if (processors[0] === undefined || typeOf(processors[0]) !== 'memory_limiter') {
      findings.push(
        at(
          path,
          'pipeline-order',
          'memory_limiter is not the first processor, so data is buffered before the limit can refuse it',
          'put memory_limiter first in this pipeline',
        ),
      );
    }
    const last = processors.at(-1);
    if (last === undefined || typeOf(last) !== 'batch') {
      findings.push(
        at(
          path,
          'pipeline-order',
          'batch is not the last processor, so batches are built before other processors reshape them',
          'put batch last in this pipeline',
        ),
      );
    }
  }
  return findings;
}

function checkMemoryLimiter(root: Record<string, unknown>, at: At) {
  const findings: Finding[] = [];
  for (const [id, body] of Object.entries(asMap(root.processors))) {
    if (typeOf(id) !== 'memory_limiter') continue;
    const interval = asMap(body).check_interval;
    const seconds = parseDuration(interval);
    if (seconds !== undefined && seconds > 0) continue;
    findings.push(
      at(
        `processors.${id}.check_interval`,
        'memory-limiter-interval',
        `check_interval is ${interval === undefined ? 'missing' : `"${String(interval)}"`}; the collector refuses to start without a positive interval`,
        'set check_interval: 1s',
      ),
    );
  }
  return findings;
}
