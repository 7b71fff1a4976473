import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, InstanceRecord, StopReason, TaskRecord } from './cluster.ts';
import { TICK_MS } from './lifecycle.ts';

/**
 * Usage rule (exact and deterministic, so tests can assert numbers):
 * - prompt tokens = number of whitespace-separated words in every text the request carries
 *   (message contents as strings or text parts, system prompts, instructions, input), at least 1;
 * - completion tokens = the request's token limit when given, else `completionTokens`
 *   (for `/v1/messages`, whose `max_tokens` is mandatory: the smaller of the two);
 * - token i of the reply is `WORDS[i % WORDS.length] + ' '`, one token per streamed chunk.
 */
export const WORDS =
  'Hello from the simulated EXO cluster running on Apple silicon with MLX models and tiny tokens'.split(
    ' ',
  );

export interface GenerationPlan {
  promptTokens: number;
  completionTokens: number;
  /** `length` when the client set the limit (the reply always reaches it), else `stop`. */
  limited: boolean;
}

export type GenerationOutcome =
  | { kind: 'done' }
  | { kind: 'error'; message: string }
  | { kind: 'deleted' | 'cancelled' | 'client' };

export interface GenerationHooks {
  /** Called once, after prefill, just before the first token. */
  onPrefilled?(): void;
  onToken(index: number, text: string, last: boolean): void;
}

/** The in-stream text EXO sends when the runner process dies mid-command. */
export const RUNNER_CRASH_MESSAGE = 'Runner shutdown before completing command (signal=9 (Killed))';

export function planFor(texts: string[], limit: unknown, completionTokens: number): GenerationPlan {
  const given = typeof limit === 'number' && Number.isInteger(limit) && limit > 0;
  return {
    promptTokens: countWords(texts),
    completionTokens: given ? limit : completionTokens,
    limited: given,
  };
}

export function countWords(texts: string[]): number {
  const words = texts
    .join(' ')
    .split(/\s+/)
    .filter((word) => word.length > 0).length;
  return Math.max(1, words);
}

export function tokenText(index: number): string {
  return `${WORDS[index % WORDS.length]} `;
}

/** Every text in a message content: a string, or the `text` of its parts. */
export function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) => {
    if (part && typeof part === 'object' && typeof part.text === 'string') return [part.text];
    if (part && typeof part === 'object' && 'content' in part) return contentTexts(part.content);
    return [];
  });
}

/**
 * Runs one TextGeneration task on an instance: waits (Pending) until every runner is ready,
 * prefills, then emits tokens at the configured rate. Ends early when the client leaves,
 * the instance is deleted, the command is cancelled or the runner fails.
 */
export async function runGeneration(
  cluster: Cluster,
  instance: InstanceRecord,
  taskId: string,
  plan: GenerationPlan,
  hooks: GenerationHooks,
  clientSignal: AbortSignal,
): Promise<GenerationOutcome> {
  const stopper = new AbortController();
  let reason: StopReason | undefined;
  const task: TaskRecord = {
    taskId,
    instanceId: instance.instanceId,
    status: 'Pending',
    stop(why) {
      reason ??= why;
      stopper.abort();
    },
  };
  const onClient = () => task.stop('client');
  clientSignal.addEventListener('abort', onClient);
  cluster.tasks.set(taskId, task);
  const signal = stopper.signal;

  try {
    while (!cluster.isReady(instance)) {
      if (!(await pause(TICK_MS, signal))) return outcome(reason);
    }

    task.status = 'Running';
    if (!(await pause(cluster.options.prefillMs, signal))) return outcome(reason);
    hooks.onPrefilled?.();

    for (let index = 0; index < plan.completionTokens; index += 1) {
      // A vanished runner never answers: the request just hangs (exo #2120).
      while (instance.runners.some((runner) => !runner.present)) {
        if (!(await pause(TICK_MS, signal))) return outcome(reason);
      }

      const last = index === plan.completionTokens - 1;
      hooks.onToken(index, tokenText(index), last);
      if (last) break;

      if (shouldDeleteNow(cluster, index + 1)) {
        cluster.deleteInstance(instance.instanceId);
        return outcome(reason ?? 'deleted');
      }

      const rate = cluster.options.tokensPerSecond;
      const interval = rate > 0 && Number.isFinite(rate) ? 1000 / rate : 0;
      if (!(await pause(interval, signal))) return outcome(reason);
    }
    return { kind: 'done' };
  } finally {
    clientSignal.removeEventListener('abort', onClient);
    cluster.tasks.delete(taskId);
  }
}

function shouldDeleteNow(cluster: Cluster, emitted: number): boolean {
  const fault = cluster.faults.deleteInstanceMidStream;
  if (!fault) return false;
  const after = fault === true ? 1 : fault.afterTokens;
  return emitted >= after;
}

function outcome(reason: StopReason | undefined): GenerationOutcome {
  if (reason === 'runner_failed') return { kind: 'error', message: RUNNER_CRASH_MESSAGE };
  return { kind: reason ?? 'client' };
}

/** Waits; false when the task was stopped meanwhile. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    if (ms > 0) await sleep(ms, undefined, { signal });
    else await new Promise((resolve) => setImmediate(resolve));
  } catch {
    return false;
  }
  return !signal.aborted;
}
