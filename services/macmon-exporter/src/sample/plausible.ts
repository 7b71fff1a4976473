// What counts as a physically possible reading. Values outside these ranges are sensor
// sentinels or arithmetic bugs seen in the field, not measurements.

/** Far above any Apple-silicon machine (a Mac Pro M2 Ultra peaks near 330 W). */
export const MAX_WATTS = 1000;

/**
 * Die temperatures at or below 10 °C are sentinels, not readings: 0 (no sensor), −1.85 (M4 mini,
 * vladkens/macmon#50), 2.37 (mean of firmware placeholders on a powered-down M4 Pro GPU, #12),
 * 5.91 (M2 Ultra, #68), 9.8 (M4 mini, #12).
 */
export const MIN_CELSIUS = 10;
export const MAX_CELSIUS = 150;

/** f32 noise can print a full ratio as 1.0000001; anything further above 1 is a bug (or %). */
const RATIO_SLACK = 1e-3;

/** 2^53: `ram_usage` is an unchecked u64 subtraction in macmon and can wrap to ~1.8e19. */
const MAX_BYTES = Number.MAX_SAFE_INTEGER;

const MAX_RPM = 30_000;

export function isWatts(value: number): boolean {
  return value >= 0 && value <= MAX_WATTS;
}

export function isCelsius(value: number): boolean {
  return value > MIN_CELSIUS && value <= MAX_CELSIUS;
}

export function isRatio(value: number): boolean {
  return value >= 0 && value <= 1 + RATIO_SLACK;
}

export function isBytes(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_BYTES;
}

export function isRpm(value: number): boolean {
  return value >= 0 && value <= MAX_RPM;
}

export function clampRatio(value: number): number {
  return Math.min(value, 1);
}
