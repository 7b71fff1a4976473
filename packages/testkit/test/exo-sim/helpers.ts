import type { ExoSimulator } from '../../src/exo-sim/index.ts';

/** Response bodies are arbitrary JSON, read by shape in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies by shape
export type Json = any;

export const SMALL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
export const HUGE = 'mlx-community/DeepSeek-V3.1-4bit';

export async function getJson(
  sim: ExoSimulator,
  path: string,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sim.url}${path}`);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function postJson(
  sim: ExoSimulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** The recommended load: placement, then POST /instance with that object; returns the id. */
export async function createInstance(sim: ExoSimulator, modelId = SMALL): Promise<string> {
  const placement = await getJson(
    sim,
    `/instance/placement?model_id=${encodeURIComponent(modelId)}`,
  );
  if (placement.status !== 200) throw new Error(`placement ${placement.status}`);
  const created = await postJson(sim, '/instance', { instance: placement.body });
  if (created.status !== 200) throw new Error(`create ${created.status}`);
  return (Object.values(placement.body)[0] as { instanceId: string }).instanceId;
}

/** Polls until the condition holds (every 20 ms, up to timeoutMs). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function waitReady(sim: ExoSimulator, instanceId: string): Promise<void> {
  await waitFor(() => sim.instances().find((i) => i.instanceId === instanceId)?.status === 'ready');
}

export async function loadModel(sim: ExoSimulator, modelId = SMALL): Promise<string> {
  const id = await createInstance(sim, modelId);
  await waitReady(sim, id);
  return id;
}

/** The runner states of an instance, as `/state` tags them. */
export function runnerTags(state: Json, instanceId: string): string[] {
  const body = Object.values(state.instances[instanceId] ?? {})[0] as Json;
  if (!body) return [];
  return Object.keys(body.shardAssignments.runnerToShard).map((rid) =>
    state.runners[rid] ? Object.keys(state.runners[rid])[0]! : 'absent',
  );
}

export interface SseRead {
  status: number;
  raw: string;
  comments: string[];
  data: string[];
  events: string[];
}

/** Posts a streaming request and reads the whole SSE body (or until the connection ends). */
export async function readStream(
  sim: ExoSimulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<SseRead> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  let raw = '';
  try {
    raw = await res.text();
  } catch {
    // A reset connection still leaves what arrived so far in `raw` (nothing here).
  }
  return { status: res.status, raw, ...splitSse(raw) };
}

export function splitSse(raw: string): Pick<SseRead, 'comments' | 'data' | 'events'> {
  const lines = raw.split('\n');
  return {
    comments: lines.filter((l) => l.startsWith(': ')).map((l) => l.slice(2)),
    data: lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)),
    events: lines.filter((l) => l.startsWith('event: ')).map((l) => l.slice(7)),
  };
}

export function chatBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: SMALL,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: [{ type: 'text', text: 'Say  hello\nto me' }] },
    ],
    ...extra,
  };
}

/** Words in chatBody(): "You are terse." (3) + "Say hello to me" (4). */
export const CHAT_BODY_PROMPT_TOKENS = 7;
