// Energy counters from power samples: trapezoid rule between consecutive samples. A gap longer
// than the limit (child restarted, machine asleep) adds nothing rather than guessing.

export interface PowerPoint {
  /** Milliseconds on the clock the samples arrive by. */
  atMs: number;
  totalWatts: number | undefined;
  gpuWatts: number | undefined;
}

export interface EnergyStep {
  totalJoules: number;
  gpuJoules: number;
}

export interface EnergyIntegrator {
  add: (point: PowerPoint) => EnergyStep;
}

export function createEnergyIntegrator(maxGapMs: number): EnergyIntegrator {
  let previous: PowerPoint | undefined;

  return {
    add(point) {
      const before = previous;
      previous = point;
      if (before === undefined) return { totalJoules: 0, gpuJoules: 0 };

      const dtMs = point.atMs - before.atMs;
      if (dtMs <= 0 || dtMs > maxGapMs) return { totalJoules: 0, gpuJoules: 0 };

      return {
        totalJoules: trapezoid(before.totalWatts, point.totalWatts, dtMs),
        gpuJoules: trapezoid(before.gpuWatts, point.gpuWatts, dtMs),
      };
    },
  };
}

function trapezoid(a: number | undefined, b: number | undefined, dtMs: number): number {
  if (a === undefined || b === undefined) return 0;
  return ((a + b) / 2) * (dtMs / 1000);
}
