import { parseDuration } from './durations.ts';
import { asList, asMap } from './yaml-file.ts';

/** The router's default whole-load bound when neither the model nor `defaults` sets one. */
const defaultLoadTimeoutSeconds = 15 * 60;

export interface RouterModels {
  /** Configured model names and aliases → the load timeout (s) that applies to each. */
  readonly exoModels: Map<string, number>;
  /** Upstream model names or globs (`*`), served without load management. */
  readonly upstreamPatterns: readonly string[];
}

/** Reads the names exo-router answers to from its config file (format: the router contract). */
export function readRouterModels(config: unknown): RouterModels {
  const root = asMap(config);
  const defaults = asMap(root.defaults);
  const fallback = parseDuration(defaults.loadTimeout) ?? defaultLoadTimeoutSeconds;

  const exoModels = new Map<string, number>();
  for (const [name, body] of Object.entries(asMap(root.models))) {
    const model = asMap(body);
    const timeout = parseDuration(model.loadTimeout) ?? fallback;
    exoModels.set(name, timeout);
    for (const alias of asList(model.aliases)) exoModels.set(String(alias), timeout);
  }

  const upstreamPatterns = Object.values(asMap(root.upstreams)).flatMap((upstream) =>
    asList(asMap(upstream).models).map(String),
  );
  return { exoModels, upstreamPatterns };
}

/** True when `name` equals the pattern or matches it with `*` standing for any run of characters. */
export function matchesGlob(name: string, pattern: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(name);
}
