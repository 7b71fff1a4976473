// Stand-in `macmon`: replays a JSONL file as `macmon pipe` would print it (one line per
// interval, first line after one interval, looping), with the fault switches of faults.ts.

import { appendFileSync, readFileSync } from 'node:fs';
import { type PipeArgs, parseMacmonArgs } from './args.ts';
import { FAULT_ENV, type FaultPlan, readFaultPlan } from './faults.ts';
import { defaultMacmonFixture } from './paths.ts';

const VERSION = 'macmon 0.7.0 (llm-lab stand-in)';

run(process.argv.slice(2), process.env);

function run(argv: string[], env: NodeJS.ProcessEnv): void {
  const parsed = parseMacmonArgs(argv);
  if (parsed.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(
      `${parsed.message}\n\nUsage: macmon pipe [-i <ms>] [-s <n>] [--soc-info]\n`,
    );
    process.exit(2);
  }

  const pidFile = env[FAULT_ENV.pidFile];
  if (pidFile) appendFileSync(pidFile, `${process.pid}\n`);

  // Real macmon dies on its next write once the reader is gone (EPIPE); do the same.
  process.stdout.on('error', () => process.exit(1));

  const lines = readLines(env[FAULT_ENV.file] || defaultMacmonFixture);
  replay(lines, parsed.args, readFaultPlan(env));
}

function readLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.length > 0 ? lines : [''];
}

function replay(lines: string[], args: PipeArgs, plan: FaultPlan): void {
  const startedAt = performance.now();
  let printed = 0;
  let junkDone = plan.junkLine === undefined;

  const tick = () => {
    const line = lines[printed % lines.length] ?? '';
    process.stdout.write(`${args.socInfo ? withSoc(line) : line}\n`);
    printed += 1;

    if (!junkDone && printed >= plan.junkAfter) {
      junkDone = true;
      process.stdout.write(`${plan.junkLine}\n`);
    }
    if (act(printed, args, plan)) return;

    // Drift-free schedule: line k is due at start + (k + 1) × interval.
    const due = startedAt + (printed + 1) * args.intervalMs;
    setTimeout(tick, Math.max(0, due - performance.now()));
  };

  if (act(0, args, plan)) return;
  setTimeout(tick, args.intervalMs);
}

/** Applies any fault due after `printed` lines; true when the replay must stop. */
function act(printed: number, args: PipeArgs, plan: FaultPlan): boolean {
  if (args.samples > 0 && printed >= args.samples) {
    process.exitCode = 0;
    return true;
  }
  if (plan.signal !== undefined && printed >= plan.signalAfter) {
    process.kill(process.pid, plan.signal);
    return true;
  }
  if (plan.exitAfter !== undefined && printed >= plan.exitAfter) {
    process.stderr.write(`${plan.stderr}\n`);
    process.exit(plan.exitCode);
  }
  if (plan.hangAfter !== undefined && printed >= plan.hangAfter) {
    setInterval(() => {}, 60_000);
    return true;
  }
  return false;
}

function withSoc(line: string): string {
  try {
    const sample = JSON.parse(line) as Record<string, unknown>;
    sample.soc = STANDIN_SOC;
    return JSON.stringify(sample);
  } catch {
    return line;
  }
}

const STANDIN_SOC = {
  chip_name: 'Apple M3 Pro',
  mac_model: 'Mac15,7',
  memory_gb: 24,
  ecpu_cores: 6,
  pcpu_cores: 6,
  ecpu_label: 'E',
  pcpu_label: 'P',
  gpu_cores: 18,
};
