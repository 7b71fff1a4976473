import type { Finding } from './finding.ts';
import { matchesGlob, type RouterModels } from './router-config.ts';
import { asList, asMap } from './yaml-file.ts';

export const metricsFlag = 'LITELLM_OTEL_INTEGRATION_ENABLE_METRICS';

export interface EnvSource {
  readonly label: string;
  readonly env: ReadonlyMap<string, string>;
}

export interface LitellmInput {
  readonly config: unknown;
  readonly file: string;
  readonly router: RouterModels;
  readonly routerFile: string;
  /** Every place LiteLLM's environment is written (the compose service, the env example). */
  readonly envSources: readonly EnvSource[];
}

/** Checks LiteLLM's config against the router config and its telemetry switches. */
export function checkLitellm(input: LitellmInput): Finding[] {
  return [...checkModels(input), ...checkTelemetry(input)];
}

function checkModels(input: LitellmInput): Finding[] {
  const findings: Finding[] = [];
  const models = asList(asMap(input.config).model_list);

  for (const [index, entry] of models.entries()) {
    const params = asMap(asMap(entry).litellm_params);
    if (!pointsAtRouter(params.api_base)) continue;

    const path = `model_list[${index}].litellm_params`;
    const model = String(params.model ?? '');
    const name = model.startsWith('openai/') ? model.slice('openai/'.length) : model;
    const loadTimeout = input.router.exoModels.get(name);
    const upstream = input.router.upstreamPatterns.some((p) => matchesGlob(name, p));

    if (loadTimeout === undefined && !upstream) {
      findings.push({
        rule: 'litellm-unknown-router-model',
        file: input.file,
        path: `${path}.model`,
        problem: `"${model}" goes to exo-router, but ${input.routerFile} defines no model, alias or upstream pattern "${name}"`,
        fix: `add "${name}" under models: (or an upstream's models:) in ${input.routerFile}, or correct the name`,
      });
      continue;
    }
    if (loadTimeout === undefined) continue;

    const streamTimeout = params.stream_timeout;
    if (typeof streamTimeout === 'number' && streamTimeout > loadTimeout) continue;
    findings.push({
      rule: 'litellm-stream-timeout',
      file: input.file,
      path: `${path}.stream_timeout`,
      problem: `stream_timeout is ${String(streamTimeout ?? 'missing')}, not longer than the router's ${loadTimeout} s load timeout for "${name}", so LiteLLM gives up during a cold load`,
      fix: `set stream_timeout above ${loadTimeout} (seconds)`,
    });
  }
  return findings;
}

function pointsAtRouter(apiBase: unknown): boolean {
  if (typeof apiBase !== 'string') return false;
  try {
    const url = new URL(apiBase);
    return url.hostname === 'exo-router' || url.port === '8767';
  } catch {
    return false;
  }
}

function checkTelemetry(input: LitellmInput): Finding[] {
  const findings: Finding[] = [];
  for (const source of input.envSources) {
    if (source.env.get(metricsFlag)?.toLowerCase() === 'true') continue;
    findings.push({
      rule: 'litellm-metrics-flag',
      file: source.label,
      path: metricsFlag,
      problem: `${metricsFlag} is not "true", so LiteLLM sends traces but no gen_ai.* metrics and the latency and token panels stay empty`,
      fix: `set ${metricsFlag}=true`,
    });
  }

  const settings = asMap(asMap(input.config).litellm_settings);
  const callbacks = asList(settings.callbacks).map(String);
  if (!callbacks.includes('otel')) {
    findings.push({
      rule: 'litellm-metrics-flag',
      file: input.file,
      path: 'litellm_settings.callbacks',
      problem: 'the "otel" callback is off, so LiteLLM emits no traces or metrics at all',
      fix: 'set litellm_settings.callbacks: ["otel"]',
    });
  }
  if (settings.forward_traceparent_to_llm_provider !== true) {
    findings.push({
      rule: 'litellm-metrics-flag',
      file: input.file,
      path: 'litellm_settings.forward_traceparent_to_llm_provider',
      problem:
        'traceparent is not forwarded, so exo-router starts a new trace instead of nesting under LiteLLM',
      fix: 'set litellm_settings.forward_traceparent_to_llm_provider: true',
    });
  }
  return findings;
}

/** LiteLLM's `/health` makes a real completion call per model, which would wake every Mac model. */
export function checkLitellmProbe(service: unknown, file: string, name: string): Finding[] {
  const test = asMap(asMap(service).healthcheck).test;
  const text = Array.isArray(test) ? test.join(' ') : String(test ?? '');
  if (/\/health\/(liveliness|readiness)\b/.test(text)) return [];
  return [
    {
      rule: 'litellm-health-probe',
      file,
      path: `services.${name}.healthcheck.test`,
      problem:
        text === 'undefined'
          ? 'LiteLLM has no health check'
          : 'the health check does not use /health/liveliness or /health/readiness; /health calls every model and wakes it',
      fix: 'probe http://127.0.0.1:4000/health/liveliness (or /health/readiness)',
    },
  ];
}
