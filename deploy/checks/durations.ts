const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * Reads a duration as the lab's files write it ("90s", "10m", "1h", "1m30s", "500ms", or a bare
 * number of seconds); undefined when it is not one.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;

  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;

  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(part[1]) * (units[part[2] ?? 's'] ?? 1);
  }
  return total;
}
