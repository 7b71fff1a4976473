/**
 * Integrates board power into joules with the trapezoid rule between consecutive rows.
 * A gap longer than `maxGapMs` (a restart, a hang, a clock step) adds nothing: the power in
 * between is unknown, and a guess would be worse than a visible flat stretch.
 */
export class EnergyIntegrator {
  #joules = 0;
  #last: { atMs: number; watts: number } | undefined;
  readonly #maxGapMs: number;

  constructor(maxGapMs: number) {
    this.#maxGapMs = maxGapMs;
  }

  get joules(): number {
    return this.#joules;
  }

  /** Adds a power reading taken at `atMs`. */
  add(atMs: number, watts: number): void {
    const last = this.#last;
    if (last !== undefined) {
      const dtMs = atMs - last.atMs;
      if (dtMs > 0 && dtMs <= this.#maxGapMs) {
        this.#joules += ((last.watts + watts) / 2) * (dtMs / 1000);
      }
    }
    this.#last = { atMs, watts };
  }

  /** Forgets the last reading, so the next one starts a new stretch. */
  breakChain(): void {
    this.#last = undefined;
  }
}
