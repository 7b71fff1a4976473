import type { MetricPoint, OtlpSink } from '@llm-lab/testkit';

export type Cluster = 'mac-exo' | 'nvidia';

export interface HostPower {
  host: string;
  cluster: Cluster;
  /** Mean of the whole-machine (Mac) or summed board (GPU) power samples, W. */
  meanWatts: number;
  latestWatts: number;
  /** Latest power per domain (cpu, gpu, ane, ram, system for Macs; board per GPU). */
  domains: Record<string, number>;
  /** The exporter's energy counter, J. */
  energyJoules: number;
  /**
   * A cross-check of the counter: the energy it added between its first and last export
   * (`windowJoules`) against the power points of the same exports integrated over the same
   * span, i.e. mean power × time (`expectedJoules`).
   */
  windowJoules: number;
  expectedJoules: number;
  samples: number;
}

export interface ModelTally {
  model: string;
  cluster: Cluster;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  meanTtftSeconds: number | undefined;
}

export interface ClusterSummary {
  cluster: Cluster;
  outputTokens: number;
  energyJoules: number;
  tokensPerJoule: number | undefined;
  costPer1kTokens: number | undefined;
}

export interface Summary {
  hosts: HostPower[];
  models: ModelTally[];
  clusters: ClusterSummary[];
  loads: number;
  ttlUnloads: number;
  pricePerKwh: number;
}

const MAC_DOMAINS = ['cpu', 'gpu', 'ane', 'ram', 'system'];

/** What the telemetry in the sink says happened, summed up per host, model and cluster. */
export function summarize(sink: OtlpSink, pricePerKwh: number): Summary {
  const hosts = [...macHosts(sink), ...gpuHosts(sink)];
  const models = modelTallies(sink);
  const clusters = (['mac-exo', 'nvidia'] as const).map((cluster) => {
    const outputTokens = sum(
      models.filter((m) => m.cluster === cluster).map((m) => m.outputTokens),
    );
    const energyJoules = sum(hosts.filter((h) => h.cluster === cluster).map((h) => h.energyJoules));
    const tokensPerJoule =
      energyJoules > 0 && outputTokens > 0 ? outputTokens / energyJoules : undefined;
    const costPer1kTokens = tokensPerJoule
      ? (1000 / tokensPerJoule / 3.6e6) * pricePerKwh
      : undefined;
    return { cluster, outputTokens, energyJoules, tokensPerJoule, costPer1kTokens };
  });

  return {
    hosts,
    models,
    clusters,
    loads: sum(
      latestBySeries(sink.metricPoints('exo_router.model.loads')).map((p) => p.value ?? 0),
    ),
    ttlUnloads: sum(
      latestBySeries(
        sink.metricPoints('exo_router.model.evictions', { attributes: { reason: 'ttl' } }),
      ).map((p) => p.value ?? 0),
    ),
    pricePerKwh,
  };
}

function macHosts(sink: OtlpSink): HostPower[] {
  const byHost = groupBy(sink.metricPoints('mac.power.total'), (p) =>
    String(p.resource['host.name']),
  );
  return [...byHost].map(([host, points]) => {
    const domains: Record<string, number> = {};
    for (const domain of MAC_DOMAINS) {
      const latest = sink
        .metricPoints(`mac.power.${domain}`, { resource: { 'host.name': host } })
        .at(-1);
      if (latest?.value !== undefined) domains[domain] = latest.value;
    }
    const energy = sink.metricPoints('mac.energy.total', { resource: { 'host.name': host } });
    return hostPower(host, 'mac-exo', points, domains, energy);
  });
}

function gpuHosts(sink: OtlpSink): HostPower[] {
  const byHost = groupBy(sink.metricPoints('gpu.power.board'), (p) =>
    String(p.resource['host.name']),
  );
  return [...byHost].map(([host, points]) => {
    const domains: Record<string, number> = {};
    for (const [gpu, gpuPoints] of groupBy(points, (p) => `gpu${p.attributes['gpu.index']}`)) {
      domains[gpu] = gpuPoints.at(-1)?.value ?? 0;
    }
    const energy = sink.metricPoints('gpu.energy.board', { resource: { 'host.name': host } });
    // Several GPUs: the host's figure at an export is the sum over its GPUs at that export.
    return hostPower(host, 'nvidia', sumPerExport(points), domains, sumPerExport(energy));
  });
}

function hostPower(
  host: string,
  cluster: Cluster,
  power: MetricPoint[],
  domains: Record<string, number>,
  energy: MetricPoint[],
): HostPower {
  const values = power.map((p) => p.value ?? 0);
  const energyAt = new Map(energy.map((p) => [p.timeUnixNano, p.value ?? 0]));
  const powerAt = new Map(power.map((p) => [p.timeUnixNano, p.value ?? 0]));
  // Exports that carry both a power and an energy point, in time order.
  const paired = [...energyAt.keys()]
    .filter((t) => powerAt.has(t))
    .sort((a, b) => (a < b ? -1 : 1));

  let expectedJoules = 0;
  for (let i = 1; i < paired.length; i += 1) {
    const [t0, t1] = [paired[i - 1] as bigint, paired[i] as bigint];
    expectedJoules +=
      (((powerAt.get(t0) ?? 0) + (powerAt.get(t1) ?? 0)) / 2) * (Number(t1 - t0) / 1e9);
  }
  const first = paired[0];
  const last = paired.at(-1);

  return {
    host,
    cluster,
    meanWatts: values.length > 0 ? sum(values) / values.length : 0,
    latestWatts: values.at(-1) ?? 0,
    domains,
    energyJoules: energy.at(-1)?.value ?? 0,
    windowJoules:
      first === undefined || last === undefined
        ? 0
        : (energyAt.get(last) ?? 0) - (energyAt.get(first) ?? 0),
    expectedJoules,
    samples: power.length,
  };
}

function sumPerExport(points: MetricPoint[]): MetricPoint[] {
  return [...groupBy(points, (p) => String(p.timeUnixNano))].map(([, atOnce]) => ({
    ...(atOnce[0] as MetricPoint),
    value: sum(atOnce.map((p) => p.value ?? 0)),
  }));
}

function modelTallies(sink: OtlpSink): ModelTally[] {
  const usage = latestBySeries(sink.metricPoints('gen_ai.client.token.usage'));
  const durations = latestBySeries(sink.metricPoints('gen_ai.server.request.duration'));
  const ttft = latestBySeries(sink.metricPoints('gen_ai.server.time_to_first_token'));
  const models = new Set(durations.map((p) => String(p.attributes['gen_ai.request.model'])));

  return [...models].map((model) => {
    const of = (points: MetricPoint[]) =>
      points.filter((p) => p.attributes['gen_ai.request.model'] === model);
    const tokens = (type: string) =>
      sum(
        of(usage)
          .filter((p) => p.attributes['gen_ai.token.type'] === type)
          .map((p) => p.sum ?? 0),
      );
    const ttftPoints = of(ttft);
    const ttftCount = sum(ttftPoints.map((p) => p.count ?? 0));
    const provider = of(durations)[0]?.attributes['gen_ai.provider.name'];
    return {
      model,
      cluster: provider === 'exo' ? 'mac-exo' : 'nvidia',
      requests: sum(of(durations).map((p) => p.count ?? 0)),
      inputTokens: tokens('input'),
      outputTokens: tokens('output'),
      meanTtftSeconds:
        ttftCount > 0 ? sum(ttftPoints.map((p) => p.sum ?? 0)) / ttftCount : undefined,
    };
  });
}

/** Cumulative series: the newest point of each attribute set. */
export function latestBySeries(points: MetricPoint[]): MetricPoint[] {
  const latest = new Map<string, MetricPoint>();
  for (const point of points) {
    const key = JSON.stringify([point.resource['service.instance.id'], point.attributes]);
    const seen = latest.get(key);
    if (!seen || seen.timeUnixNano <= point.timeUnixNano) latest.set(key, point);
  }
  return [...latest.values()];
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
