// Fault switches of the stand-in macmon, read from the environment so that a real exporter
// process can be made to meet each failure seen in the field.

export type MacmonFault =
  | { kind: 'none' }
  /** After N lines: print `stderr` (like macmon's `Error: …`) and exit with `code`. */
  | { kind: 'exit'; afterLines: number; code?: number; stderr?: string }
  /** After N lines: stay alive and print nothing. */
  | { kind: 'hang'; afterLines: number }
  /** After N lines: print this line once, then carry on. */
  | { kind: 'junk'; line: string; afterLines?: number }
  /** After N lines: die by this signal (macmon panics abort: SIGABRT). */
  | { kind: 'signal'; signal: NodeJS.Signals; afterLines: number };

export const FAULT_ENV = {
  file: 'MACMON_STANDIN_FILE',
  pidFile: 'MACMON_STANDIN_PID_FILE',
  exitAfter: 'MACMON_STANDIN_EXIT_AFTER',
  exitCode: 'MACMON_STANDIN_EXIT_CODE',
  stderr: 'MACMON_STANDIN_STDERR',
  hangAfter: 'MACMON_STANDIN_HANG_AFTER',
  junkLine: 'MACMON_STANDIN_JUNK_LINE',
  junkAfter: 'MACMON_STANDIN_JUNK_AFTER',
  signal: 'MACMON_STANDIN_SIGNAL',
  signalAfter: 'MACMON_STANDIN_SIGNAL_AFTER',
} as const;

export function faultToEnv(fault: MacmonFault): Record<string, string> {
  switch (fault.kind) {
    case 'none':
      return {};
    case 'exit':
      return {
        [FAULT_ENV.exitAfter]: String(fault.afterLines),
        [FAULT_ENV.exitCode]: String(fault.code ?? 1),
        ...(fault.stderr === undefined ? {} : { [FAULT_ENV.stderr]: fault.stderr }),
      };
    case 'hang':
      return { [FAULT_ENV.hangAfter]: String(fault.afterLines) };
    case 'junk':
      return {
        [FAULT_ENV.junkLine]: fault.line,
        [FAULT_ENV.junkAfter]: String(fault.afterLines ?? 0),
      };
    case 'signal':
      return {
        [FAULT_ENV.signal]: fault.signal,
        [FAULT_ENV.signalAfter]: String(fault.afterLines),
      };
  }
}

export interface FaultPlan {
  exitAfter?: number;
  exitCode: number;
  stderr: string;
  hangAfter?: number;
  junkLine?: string;
  junkAfter: number;
  signal?: NodeJS.Signals;
  signalAfter: number;
}

export function readFaultPlan(env: NodeJS.ProcessEnv): FaultPlan {
  const count = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw === '' ? undefined : Number.parseInt(raw, 10);
  };
  return {
    exitAfter: count(FAULT_ENV.exitAfter),
    exitCode: count(FAULT_ENV.exitCode) ?? 1,
    stderr: env[FAULT_ENV.stderr] ?? 'Error: Failed to get memory stats',
    hangAfter: count(FAULT_ENV.hangAfter),
    junkLine: env[FAULT_ENV.junkLine],
    junkAfter: count(FAULT_ENV.junkAfter) ?? 0,
    signal: (env[FAULT_ENV.signal] || undefined) as NodeJS.Signals | undefined,
    signalAfter: count(FAULT_ENV.signalAfter) ?? 0,
  };
}
