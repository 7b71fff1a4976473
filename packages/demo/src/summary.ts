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
  /** Mean power × the span between the first and last sample, J (a cross-check). */
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
    const energy =
      sink.metricPoints('mac.energy.total', { resource: { 'host.name': host } }).at(-1)?.value ?? 0;
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
    const energyPoints = sink.metricPoints('gpu.energy.board', { resource: { 'host.name': host } });
    const energy = sum(latestBySeries(energyPoints).map((p) => p.value ?? 0));
    // Several GPUs: the host's power at an instant is the sum over its GPUs at that instant.
    const summed = [...groupBy(points, (p) => String(p.timeUnixNano))].map(([, atOnce]) => ({
      ...(atOnce[0] as MetricPoint),
      value: sum(atOnce.map((p) => p.value ?? 0)),
    }));
    return hostPower(host, 'nvidia', summed, domains, energy);
  });
}

function hostPower(
  host: string,
  cluster: Cluster,
  points: MetricPoint[],
  domains: Record<string, number>,
  energyJoules: number,
): HostPower {
  const samples = uniqueByTime(points);
  const values = samples.map((p) => p.value ?? 0);
  const meanWatts = values.length > 0 ? sum(values) / values.length : 0;
  const first = samples[0]?.timeUnixNano ?? 0n;
  const last = samples.at(-1)?.timeUnixNano ?? 0n;
  return {
    host,
    cluster,
    meanWatts,
    latestWatts: values.at(-1) ?? 0,
    domains,
    energyJoules,
    expectedJoules: meanWatts * (Number(last - first) / 1e9),
    samples: samples.length,
  };
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

// A gauge is re-exported at every collection; one sample per timestamp.
function uniqueByTime(points: MetricPoint[]): MetricPoint[] {
  const byTime = new Map<bigint, MetricPoint>();
  for (const point of points) byTime.set(point.timeUnixNano, point);
  return [...byTime.values()].sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : 1));
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
