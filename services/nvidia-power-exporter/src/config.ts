import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Every setting of the exporter; env variables first, command-line flags win. */
export interface Config {
  readonly smiPath: string;
  readonly intervalMs: number;
  /** GPU indexes or UUIDs to read; undefined: every GPU. */
  readonly gpus: readonly string[] | undefined;
  readonly startTimeoutMs: number;
  readonly heartbeatFile: string | undefined;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

interface Setting {
  env: string;
  flag: string;
  key: keyof Config;
  help: string;
}

export const settings: readonly Setting[] = [
  {
    env: 'NVIDIA_SMI_PATH',
    flag: 'nvidia-smi',
    key: 'smiPath',
    help: 'nvidia-smi binary (default: nvidia-smi on PATH)',
  },
  {
    env: 'NVIDIA_SMI_INTERVAL_MS',
    flag: 'interval-ms',
    key: 'intervalMs',
    help: 'sampling interval in ms, 100..3600000 (default 5000)',
  },
  {
    env: 'NVIDIA_SMI_GPUS',
    flag: 'gpus',
    key: 'gpus',
    help: 'comma list of GPU indexes or UUIDs to read (default: all)',
  },
  {
    env: 'NVIDIA_SMI_START_TIMEOUT_MS',
    flag: 'start-timeout-ms',
    key: 'startTimeoutMs',
    help: 'how long a new nvidia-smi may take to print its first row (default 15000)',
  },
  {
    env: 'HEARTBEAT_FILE',
    flag: 'heartbeat-file',
    key: 'heartbeatFile',
    help: 'file touched while the loop turns, for the container health check (default: none)',
  },
];

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `an integer ${min}..${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `an integer ${min}..${max}`).max(max, `an integer ${min}..${max}`))
    .default(fallback);

const gpuList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^(\d+|GPU-[0-9a-fA-F-]+|[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.\d)$/,
            'GPU indexes, UUIDs or PCI bus ids',
          ),
      )
      .min(1, 'at least one GPU index or UUID'),
  )
  .optional();

const schema = z.object({
  smiPath: z.string().trim().min(1, 'a path or command name').default('nvidia-smi'),
  intervalMs: integer(100, 3_600_000, 5000),
  gpus: gpuList,
  startTimeoutMs: integer(100, 600_000, 15_000),
  heartbeatFile: z.string().trim().min(1, 'a file path').optional(),
});

/** Reads and validates the configuration once; throws one ConfigError listing every bad field. */
export function loadConfig(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const flags = readFlags(argv);

  const raw: Record<string, string | undefined> = {};
  for (const setting of settings) {
    const value = flags[setting.flag] ?? env[setting.env];
    raw[setting.key] = value === '' ? undefined : value;
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const setting = settings.find((s) => s.key === issue.path[0]);
      const name = setting ? `${setting.env} (--${setting.flag})` : String(issue.path[0]);
      return `  ${name}: expected ${issue.message}, received ${JSON.stringify(raw[String(issue.path[0])])}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const { gpus, heartbeatFile, ...rest } = parsed.data;
  return Object.freeze({ ...rest, gpus: gpus && Object.freeze(gpus), heartbeatFile });
}

function readFlags(argv: string[]): Record<string, string | undefined> {
  try {
    return parseArgs({
      args: argv,
      options: Object.fromEntries(settings.map((s) => [s.flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new ConfigError(`invalid command line: ${(err as Error).message} (see --help)`);
  }
}

/** `--help` text, built from the same list the parser uses. */
export function helpText(): string {
  const rows = settings.map((s) => `  --${s.flag.padEnd(18)} ${s.env.padEnd(28)} ${s.help}`);
  return [
    'nvidia-power-exporter: per-GPU power, energy and thermals from nvidia-smi as OpenTelemetry metrics',
    '',
    'Usage: nvidia-power-exporter [flags]   (each flag also reads the environment variable beside it)',
    '',
    ...rows,
    '  --help                                          this text',
    '',
    'OTEL_* and LAB_* variables configure telemetry (see README).',
  ].join('\n');
}

/** True when the command line asks for help; checked before anything else is read. */
export function wantsHelp(argv: string[] = process.argv.slice(2)): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
