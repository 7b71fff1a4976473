// The slice of macmon's clap CLI the stand-in honours: `pipe` (alias `raw`), global
// `-i/--interval <ms>` (u32, clamped to ≥ 100 like macmon), `-s/--samples <n>`, `--soc-info`.

export interface PipeArgs {
  intervalMs: number;
  samples: number;
  socInfo: boolean;
}

export type ParsedArgs =
  | { kind: 'pipe'; args: PipeArgs }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

const MIN_INTERVAL_MS = 100;

export function parseMacmonArgs(argv: readonly string[]): ParsedArgs {
  let subcommand: string | undefined;
  let interval = 1000;
  let samples = 0;
  let socInfo = false;

  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = splitInline(argv[i] ?? '');
    const value = () => inline ?? argv[++i];

    if (flag === '-V' || flag === '--version') return { kind: 'version' };
    if (flag === '--soc-info') {
      socInfo = true;
    } else if (flag === '-i' || flag === '--interval') {
      const parsed = parseU32(value(), '--interval <INTERVAL>');
      if (typeof parsed === 'string') return { kind: 'error', message: parsed };
      interval = parsed;
    } else if (flag === '-s' || flag === '--samples') {
      const parsed = parseU32(value(), '--samples <SAMPLES>');
      if (typeof parsed === 'string') return { kind: 'error', message: parsed };
      samples = parsed;
    } else if ((flag === 'pipe' || flag === 'raw') && subcommand === undefined) {
      subcommand = flag;
    } else {
      return { kind: 'error', message: `error: unexpected argument '${flag}' found` };
    }
  }

  if (subcommand === undefined) {
    return { kind: 'error', message: 'error: the stand-in macmon only implements `macmon pipe`' };
  }
  return {
    kind: 'pipe',
    args: { intervalMs: Math.max(interval, MIN_INTERVAL_MS), samples, socInfo },
  };
}

function splitInline(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) return [arg, undefined];
  const eq = arg.indexOf('=');
  return eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

// clap rejects "1000.0" for a u32 (EXO passing a float interval hit this).
function parseU32(raw: string | undefined, name: string): number | string {
  if (raw === undefined) return `error: a value is required for '${name}' but none was supplied`;
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff) {
    return `error: invalid value '${raw}' for '${name}': invalid digit found in string`;
  }
  return Number(raw);
}
