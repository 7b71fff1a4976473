// Every setting of the exporter, validated once and frozen. The only file that reads process.env
// (OTEL_* and LAB_* are read by @llm-lab/otel itself).

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ExporterError } from './errors.ts';

const intFrom = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z.object({
  macmonPath: z.string().min(1).optional(),
  intervalMs: intFrom(100, 3_600_000, 5000),
  maxLineBytes: intFrom(1024, 16 * 1024 * 1024, 64 * 1024),
  startupGraceMs: intFrom(0, 600_000, 10_000),
  restartInitialMs: intFrom(10, 600_000, 1000),
  restartMaxMs: intFrom(10, 3_600_000, 60_000),
  home: z.string().optional(),
  pathEnv: z.string().optional(),
  help: z.boolean().default(false),
});

export type Config = Readonly<z.infer<typeof schema>>;

/** Env var (or flag) behind each field, for error messages and --help. */
const SOURCES: Record<string, string> = {
  macmonPath: 'MACMON_PATH / --macmon',
  intervalMs: 'MACMON_INTERVAL_MS / --interval',
  maxLineBytes: 'MACMON_MAX_LINE_BYTES',
  startupGraceMs: 'MACMON_STARTUP_GRACE_MS',
  restartInitialMs: 'MACMON_RESTART_INITIAL_MS',
  restartMaxMs: 'MACMON_RESTART_MAX_MS',
};

export const helpText = `macmon-exporter: Apple-silicon power and thermals from \`macmon pipe\` as OTel metrics.

Usage: node dist/main.js [--interval <ms>] [--macmon <path>] [--help]

Flags (override the environment):
  --interval <ms>   sampling interval passed to macmon pipe -i (MACMON_INTERVAL_MS, default 5000, min 100)
  --macmon <path>   macmon binary to run (MACMON_PATH; default: EXO.app's bundled copy, then PATH)
  --help            print this text

Environment:
  MACMON_MAX_LINE_BYTES       longest accepted macmon line (default 65536)
  MACMON_STARTUP_GRACE_MS     extra wait for macmon's first line (default 10000)
  MACMON_RESTART_INITIAL_MS   first restart delay, doubling (default 1000)
  MACMON_RESTART_MAX_MS       longest restart delay (default 60000)
  OTEL_* and LAB_* as in every llm-lab service (OTEL_EXPORTER_OTLP_ENDPOINT, LAB_ENVIRONMENT, ...)
`;

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Config {
  const { flags, flagError } = readFlags(argv);
  const input = {
    macmonPath: flags.macmon ?? emptyToUndefined(env.MACMON_PATH),
    intervalMs: flags.interval ?? emptyToUndefined(env.MACMON_INTERVAL_MS),
    maxLineBytes: emptyToUndefined(env.MACMON_MAX_LINE_BYTES),
    startupGraceMs: emptyToUndefined(env.MACMON_STARTUP_GRACE_MS),
    restartInitialMs: emptyToUndefined(env.MACMON_RESTART_INITIAL_MS),
    restartMaxMs: emptyToUndefined(env.MACMON_RESTART_MAX_MS),
    home: emptyToUndefined(env.HOME),
    pathEnv: env.PATH,
    help: flags.help ?? false,
  };

  const parsed = schema.safeParse(input);
  const lines = flagError === undefined ? [] : [`  flags: ${flagError}`];
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    const got = (input as Record<string, unknown>)[field];
    lines.push(`  ${SOURCES[field] ?? field}: ${issue.message} (got ${JSON.stringify(got)})`);
  }
  if (!parsed.success || lines.length > 0) {
    throw new ExporterError('MACMON_CONFIG_INVALID', `invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}

interface Flags {
  macmon?: string;
  interval?: string;
  help?: boolean;
}

function readFlags(argv: readonly string[]): { flags: Flags; flagError?: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        macmon: { type: 'string' },
        interval: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    return { flags: values };
  } catch (err) {
    return { flags: {}, flagError: (err as Error).message };
  }
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
