import type { RouterConfig, UpstreamConfig } from '../config.ts';
import type { ModelManager } from './manager-port.ts';

// Decides where a model name goes: an EXO model the manager loads, or a plain upstream.
// Configured EXO names and exact upstream names win over upstream globs.

export type Target =
  | { kind: 'exo'; requested: string; name: string; provider: 'exo' }
  | {
      kind: 'upstream';
      requested: string;
      name: string;
      provider: string;
      upstream: UpstreamConfig;
    };

export interface RouteTable {
  resolve(model: string): Target | undefined;
  /** Every name a client may send (EXO names, aliases, upstream names and globs). */
  knownNames(): string[];
  readonly upstreams: readonly UpstreamConfig[];
}

export function createRouteTable(config: RouterConfig, manager: ModelManager): RouteTable {
  const upstreams = Object.values(config.upstreams);
  const exact = new Map<string, UpstreamConfig>();
  const globs: { pattern: RegExp; upstream: UpstreamConfig }[] = [];
  for (const upstream of upstreams) {
    for (const name of upstream.models) {
      if (name.includes('*')) globs.push({ pattern: globToRegExp(name), upstream });
      else exact.set(name, upstream);
    }
  }

  return {
    upstreams,
    resolve(model) {
      const canonical = manager.canonicalName(model);
      if (canonical !== undefined) {
        return { kind: 'exo', requested: model, name: canonical, provider: 'exo' };
      }

      const upstream = exact.get(model) ?? globs.find((g) => g.pattern.test(model))?.upstream;
      if (upstream === undefined) return undefined;
      return {
        kind: 'upstream',
        requested: model,
        name: model,
        provider: upstream.provider,
        upstream,
      };
    },
    knownNames() {
      const exo = Object.values(config.models).flatMap((m) => [m.name, ...m.aliases]);
      return [...exo, ...upstreams.flatMap((u) => u.models)];
    },
  };
}

/** `gpt-oss-*` → /^gpt-oss-.*$/; `*` is the only wildcard. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
