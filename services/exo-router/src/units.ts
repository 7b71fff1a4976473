// Parsers for the human-friendly duration and byte-size forms used in the config
// file and in keep_alive values.

const durationUnits: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const byteUnits: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/**
 * Parses "90s", "10m", "1h30m", "500ms", "-1m" or a number of seconds into milliseconds.
 * Returns undefined when the value has no recognisable form.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value * 1000 : undefined;
  }
  if (typeof value !== 'string') return undefined;

  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;

  const match = /^(-?)((?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/.exec(text);
  if (!match) return undefined;

  let total = 0;
  for (const part of match[2]!.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(part[1]) * durationUnits[part[2]!]!;
  }
  return match[1] === '-' ? -total : total;
}

/** Parses "32MiB", "512KiB", "1GB", "100" or a number of bytes. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') return undefined;

  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  if (!match) return undefined;

  const unit = byteUnits[(match[2] || 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}
