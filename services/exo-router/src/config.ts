import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { type ConfigIssue, duplicateNames, substituteEnv, toIssues } from './config-issues.ts';
import { configSchema, type ParsedConfig } from './config-schema.ts';

// The only place that reads process.env, flags and the YAML file. Durations are milliseconds,
// byte sizes are bytes; the result is deeply frozen.

export type { ConfigIssue };

export type Sharding = 'Pipeline' | 'Tensor';
export type InstanceType = 'MlxRing' | 'MlxJaccl';

export interface ModelConfig {
  name: string;
  exoModelId: string;
  aliases: string[];
  ttl: number;
  loadTimeout: number;
  stallTimeout: number;
  maxQueue: number;
  sharding: Sharding;
  instanceType: InstanceType;
  minNodes: number;
}

export interface UpstreamConfig {
  name: string;
  baseUrl: string;
  provider: string;
  models: string[];
  apiKey?: string;
}

export interface RouterConfig {
  exo: { baseUrl: string; requestTimeout: number };
  listen: { host: string; port: number };
  defaults: Omit<ModelConfig, 'name' | 'exoModelId' | 'aliases'>;
  models: Record<string, ModelConfig>;
  upstreams: Record<string, UpstreamConfig>;
  auth: { apiKeys: string[] };
  limits: {
    bodyLimit: number;
    maxEventLoopDelay: number;
    maxHeapUsedBytes: number;
    /** Bound on receiving one whole request (headers and body); 0 = off. */
    requestTimeout: number;
  };
  telemetry: { recordContent: boolean };
  /** The YAML file the config came from, or null when built from defaults only. */
  source: string | null;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((i) => `  ${i.path}: expected ${i.expected}, received ${i.received}`);
    super(`invalid exo-router configuration (${issues.length} problem(s)):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export const helpText = `Usage: exo-router [--config <file>] [--help]

  --config <file>   YAML config file (default: $EXO_ROUTER_CONFIG; none → built-in defaults)
  --help            print this text and exit

Environment:
  EXO_ROUTER_CONFIG     path of the YAML config file
  EXO_ROUTER_API_KEYS   comma-separated API keys, added to auth.apiKeys
  OTEL_*, LAB_*, LOG_LEVEL are read by the telemetry bootstrap.`;

export interface LoadOptions {
  argv?: string[];
  env?: Record<string, string | undefined>;
}

export type LoadResult = { help: true } | { help: false; config: RouterConfig };

/** Reads flags, env and the YAML file; throws ConfigError listing every problem at once. */
export function loadConfig(options: LoadOptions = {}): LoadResult {
  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;

  const flags = readFlags(argv);
  if (flags.help) return { help: true };

  const path = flags.config ?? env.EXO_ROUTER_CONFIG ?? null;
  const raw = path === null ? {} : readYaml(path, flags.config ? '--config' : 'EXO_ROUTER_CONFIG');
  return { help: false, config: parseConfig(raw, { env, source: path }) };
}

/** Validates an already-parsed YAML document. */
export function parseConfig(
  raw: unknown,
  options: { env?: Record<string, string | undefined>; source?: string | null } = {},
): RouterConfig {
  const env = options.env ?? process.env;
  const issues: ConfigIssue[] = [];

  const substituted = substituteEnv(raw ?? {}, env, [], issues);
  const result = configSchema.safeParse(substituted);
  if (!result.success) {
    const seen = new Set(issues.map((i) => i.path));
    const schemaIssues = result.error.issues.flatMap((i) => toIssues(i, substituted));
    issues.push(...schemaIssues.filter((i) => !seen.has(i.path)));
  }
  issues.push(...duplicateNames(substituted));

  const envKeys = (env.EXO_ROUTER_API_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (!result.success || issues.length > 0) throw new ConfigError(issues);

  return deepFreeze(resolve(result.data, envKeys, options.source ?? null));
}

function readFlags(argv: string[]): { help: boolean; config?: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return { help: values.help === true, ...(values.config ? { config: values.config } : {}) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError([
      { path: 'flags', expected: '--config <file> or --help', received: message },
    ]);
  }
}

function readYaml(path: string, origin: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError([
      { path: origin, expected: 'a readable YAML file', received: `${path} (${code})` },
    ]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError([{ path, expected: 'valid YAML', received: message ?? 'unparseable' }]);
  }
  // An emptied file (e.g. truncated while being edited) would otherwise mean "no models, default
  // EXO URL, no API keys": on a reload that unloads everything and can switch auth off.
  if (doc === null || doc === undefined) {
    throw new ConfigError([
      {
        path: origin,
        expected: 'a YAML mapping with the router configuration',
        received: `config file ${path} is empty`,
      },
    ]);
  }
  return doc;
}

function resolve(parsed: ParsedConfig, envKeys: string[], source: string | null): RouterConfig {
  const models = Object.fromEntries(
    Object.entries(parsed.models).map(([name, m]) => [
      name,
      {
        name,
        exoModelId: m.exoModelId,
        aliases: m.aliases,
        ttl: m.ttl ?? parsed.defaults.ttl,
        loadTimeout: m.loadTimeout ?? parsed.defaults.loadTimeout,
        stallTimeout: m.stallTimeout ?? parsed.defaults.stallTimeout,
        maxQueue: m.maxQueue ?? parsed.defaults.maxQueue,
        sharding: m.sharding ?? parsed.defaults.sharding,
        instanceType: m.instanceType ?? parsed.defaults.instanceType,
        minNodes: m.minNodes ?? parsed.defaults.minNodes,
      },
    ]),
  );
  const upstreams = Object.fromEntries(
    Object.entries(parsed.upstreams).map(([name, u]) => [name, { name, ...u }]),
  );
  const apiKeys = [...new Set([...parsed.auth.apiKeys, ...envKeys])];
  return { ...parsed, models, upstreams, auth: { apiKeys }, source };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
