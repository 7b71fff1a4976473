// Public surface of the stand-in macmon for tests and benchmarks.

import { dirname } from 'node:path';
import { FAULT_ENV, faultToEnv, type MacmonFault } from './faults.ts';
import { macmonFixturesDir } from './paths.ts';

export type { MacmonFault } from './faults.ts';
export { FAULT_ENV as macmonStandinEnvNames } from './faults.ts';
export { defaultMacmonFixture, macmonFixturesDir, macmonStandinPath } from './paths.ts';

export type MacmonFixtureName =
  | 'edge-cases.jsonl'
  | 'v0.5-m3pro-24gb-idle.jsonl'
  | 'v0.7-exo-pinned-cpu-load.jsonl'
  | 'v0.8.0-m1max-64gb.jsonl'
  | 'v0.8.2-readme-values.jsonl';

export function macmonFixture(name: MacmonFixtureName): string {
  return `${macmonFixturesDir}${name}`;
}

export interface MacmonStandinOptions {
  /** JSONL file to replay; the EXO-pinned fixture when absent. */
  file?: string;
  fault?: MacmonFault;
  /** Each start of the stand-in appends its pid here (to prove no child is left behind). */
  pidFile?: string;
}

/**
 * Environment for a process that runs the stand-in (directly or as a child of an exporter).
 * PATH starts with this Node's directory, because the executable is `#!/usr/bin/env node`.
 */
export function macmonStandinEnv(options: MacmonStandinOptions = {}): Record<string, string> {
  return {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    ...(options.file === undefined ? {} : { [FAULT_ENV.file]: options.file }),
    ...(options.pidFile === undefined ? {} : { [FAULT_ENV.pidFile]: options.pidFile }),
    ...faultToEnv(options.fault ?? { kind: 'none' }),
  };
}
