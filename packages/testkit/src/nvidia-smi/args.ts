/** The nvidia-smi command line the stand-in understands. */
export interface StandinArgs {
  command: 'query-gpu' | 'list' | 'version' | 'help-query-gpu' | 'invalid';
  fields: string[];
  format: { csv: boolean; header: boolean; units: boolean };
  /** Loop period in ms; undefined: print once and exit. */
  loopMs: number | undefined;
  ids: string[] | undefined;
  problem?: string;
}

// Options that take a value, by every spelling nvidia-smi accepts.
const valued = new Map([
  ['--query-gpu', 'query'],
  ['--format', 'format'],
  ['-l', 'loop'],
  ['--loop', 'loop'],
  ['-lms', 'loop-ms'],
  ['--loop-ms', 'loop-ms'],
  ['-i', 'id'],
  ['--id', 'id'],
]);

export function parseArgs(argv: string[]): StandinArgs {
  const args: StandinArgs = {
    command: 'invalid',
    fields: [],
    format: { csv: false, header: true, units: true },
    loopMs: undefined,
    ids: undefined,
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const option = valued.get(name);

    if (option === undefined) {
      applyFlag(args, arg);
      continue;
    }
    let value = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined && option !== 'loop') {
      value = argv[i + 1];
      i += 1;
    } else if (value === undefined && /^\d+$/.test(argv[i + 1] ?? '')) {
      value = argv[i + 1];
      i += 1;
    }
    applyValue(args, option, value);
  }

  if (args.command === 'query-gpu' && !args.format.csv) {
    args.command = 'invalid';
    args.problem = 'CSV format must be given with --format=csv.';
  }
  return args;
}

function applyFlag(args: StandinArgs, arg: string): void {
  if (arg === '-L' || arg === '--list-gpus') {
    args.command = 'list';
  } else if (arg === '--version') {
    args.command = 'version';
  } else if (arg === '--help-query-gpu') {
    args.command = 'help-query-gpu';
  } else {
    args.command = 'invalid';
    args.problem = `Unknown option ${arg}.`;
  }
}

function applyValue(args: StandinArgs, option: string, value: string | undefined): void {
  const list = (value ?? '').split(',').map((s) => s.trim());

  if (option === 'query') {
    args.command = args.command === 'invalid' && args.problem ? 'invalid' : 'query-gpu';
    args.fields = list.filter((s) => s !== '');
  } else if (option === 'format') {
    args.format = {
      csv: list.includes('csv'),
      header: !list.includes('noheader'),
      units: !list.includes('nounits'),
    };
  } else if (option === 'loop') {
    // The man page: -l without a value loops every 5 s.
    args.loopMs = (value === undefined ? 5 : Number(value)) * 1000;
  } else if (option === 'loop-ms') {
    args.loopMs = Number(value);
  } else {
    args.ids = list.filter((s) => s !== '');
  }
}
