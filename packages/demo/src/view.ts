import type { ClientTally } from './client.ts';
import type { Summary } from './summary.ts';

export interface RunningModel {
  name: string;
  state: string;
  progress?: { phase: string; fraction?: number };
  inFlight: number;
  idleUntil: string | null;
}

export interface Frame {
  elapsedS: number;
  durationS: number;
  models: RunningModel[];
  tallies: ClientTally[];
  summary: Summary;
}

/** The live view: one text block, redrawn in place on a terminal. */
export function renderFrame(frame: Frame): string {
  const { summary } = frame;
  const lines = [
    `llm-lab demo  ${frame.elapsedS.toFixed(0)}s / ${frame.durationS}s   electricity ${summary.pricePerKwh.toFixed(2)} per kWh   (Ctrl-C stops)`,
    '',
    'MODELS (exo-router)        state        detail',
    ...frame.models.map((m) => `  ${pad(m.name, 24)} ${pad(m.state, 12)} ${modelDetail(m)}`),
    '',
    'TRAFFIC                    cluster   req  tok out   tok/s  TTFT ms',
    ...summary.models.map((m) => {
      const tally = frame.tallies.find((t) => t.model === m.model);
      const ttft = m.meanTtftSeconds === undefined ? '-' : (m.meanTtftSeconds * 1000).toFixed(0);
      const rate = frame.elapsedS > 0 ? (m.outputTokens / frame.elapsedS).toFixed(1) : '-';
      const failed = tally?.failures ? `  ${tally.failures} failed` : '';
      return `  ${pad(m.model, 24)} ${pad(m.cluster, 8)} ${num(m.requests, 5)} ${num(m.outputTokens, 8)} ${pad(rate, 7, true)} ${pad(ttft, 8, true)}${failed}`;
    }),
    '',
    'POWER                      cluster      now W   mean W   energy J  domains (W)',
    ...summary.hosts.map(
      (h) =>
        `  ${pad(h.host, 24)} ${pad(h.cluster, 8)} ${num(h.latestWatts, 9, 1)} ${num(h.meanWatts, 8, 1)} ${num(h.energyJoules, 10, 0)}  ${domains(h.domains)}`,
    ),
    '',
    'PER CLUSTER                tok out   energy J   tok/J    cost per 1k tok',
    ...summary.clusters.map(
      (c) =>
        `  ${pad(c.cluster, 24)} ${num(c.outputTokens, 8)} ${num(c.energyJoules, 10, 0)} ${pad(c.tokensPerJoule?.toFixed(3) ?? '-', 8, true)}   ${c.costPer1kTokens === undefined ? '-' : c.costPer1kTokens.toFixed(6)}`,
    ),
    '',
    `model loads ${summary.loads}   TTL unloads ${summary.ttlUnloads}`,
  ];
  return lines.join('\n');
}

/** One line for logs and pipes, where redrawing makes no sense. */
export function renderLine(frame: Frame): string {
  const models = frame.models.map((m) => `${m.name}=${m.state}`).join(' ');
  const clusters = frame.summary.clusters
    .map((c) => `${c.cluster}: ${c.outputTokens} tok ${c.energyJoules.toFixed(0)} J`)
    .join(', ');
  return `[${frame.elapsedS.toFixed(0)}s] ${models} | ${clusters}`;
}

function modelDetail(model: RunningModel): string {
  if (model.state === 'loading' && model.progress) {
    const fraction =
      model.progress.fraction === undefined
        ? ''
        : ` ${(model.progress.fraction * 100).toFixed(0)}%`;
    return `${model.progress.phase}${fraction}`;
  }
  if (model.inFlight > 0) return `${model.inFlight} in flight`;
  if (model.state === 'ready' && model.idleUntil) {
    const seconds = Math.max(0, (Date.parse(model.idleUntil) - Date.now()) / 1000);
    return `idle, unloads in ${seconds.toFixed(0)}s`;
  }
  return '';
}

function domains(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([name, watts]) => `${name} ${watts.toFixed(1)}`)
    .join('  ');
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function num(value: number, width: number, digits = 0): string {
  return value.toFixed(digits).padStart(width);
}
