import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { nowSeconds } from './chat.ts';
import type { Cluster } from './cluster.ts';
import type { SimContext } from './control.ts';
import { contentTexts, planFor, tokenText } from './generation.ts';
import { sendJson, startSse, writeData } from './http.ts';
import type { SimModel } from './index.ts';
import { shortId } from './options.ts';

/** Models an 0.x server has already loaded (it loads on first use and never unloads). */
const loadedByCluster = new WeakMap<Cluster, Set<string>>();

/**
 * EXO 0.x (tinychat API, last tag v0.0.15-alpha): short ids, auto-load on first request,
 * unknown names silently replaced by the default model, streams with no `[DONE]`.
 */
export async function handleLegacy(
  ctx: SimContext,
  res: ServerResponse,
  method: string,
  url: URL,
  body: unknown,
  signal: AbortSignal,
): Promise<void> {
  const { cluster } = ctx;
  const path = url.pathname;

  if (method === 'GET' && path === '/healthcheck') {
    sendJson(res, 200, { status: 'ok' });
  } else if (method === 'GET' && ['/models', '/v1/models'].includes(path)) {
    const data = cluster.options.models.map((model) => ({
      id: shortId(model),
      object: 'model',
      owned_by: 'exo',
      ready: true,
    }));
    sendJson(res, 200, { object: 'list', data });
  } else if (method === 'GET' && ['/topology', '/v1/topology'].includes(path)) {
    const nodes = Object.fromEntries(
      cluster.options.nodes.map((node) => [
        node.id,
        { model: 'Mac Studio', memory: node.memoryBytes / 1024 ** 2 },
      ]),
    );
    sendJson(res, 200, { nodes, peer_graph: {}, active_node_id: cluster.options.nodes[0]?.id });
  } else if (method === 'POST' && ['/chat/completions', '/v1/chat/completions'].includes(path)) {
    ctx.stats.chatCalls += 1;
    await legacyChat(cluster, res, body, signal);
  } else {
    // aiohttp's plain-text answers (no JSON envelope in 0.x).
    const status = method === 'GET' ? 404 : 405;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(status === 404 ? '404: Not Found' : '405: Method Not Allowed');
  }
}

async function legacyChat(
  cluster: Cluster,
  res: ServerResponse,
  body: unknown,
  signal: AbortSignal,
): Promise<void> {
  const request = (body ?? {}) as Record<string, unknown>;
  const model = resolveModel(cluster, String(request.model ?? ''));
  if (!model) {
    sendJson(res, 400, { detail: 'No models configured' });
    return;
  }

  const messages = Array.isArray(request.messages) ? request.messages : [];
  const texts = messages.flatMap((m) => contentTexts((m as { content?: unknown }).content));
  const plan = planFor(texts, request.max_tokens, cluster.options.completionTokens);
  const id = `chatcmpl-${randomUUID()}`;
  const created = nowSeconds();
  const name = shortId(model);
  const base = {
    id,
    object: 'chat.completion',
    created,
    model: name,
    system_fingerprint: 'exo_0.0.1',
  };
  const finish = plan.limited ? 'length' : 'stop';
  const stream = request.stream === true;

  try {
    await autoLoad(cluster, model, signal);
    await sleep(cluster.options.prefillMs, undefined, { signal });
    if (stream) startSse(res);

    let content = '';
    for (let index = 0; index < plan.completionTokens; index += 1) {
      const text = tokenText(index);
      content += text;
      const last = index === plan.completionTokens - 1;
      if (stream) {
        const choice = {
          index: 0,
          delta: { role: 'assistant', content: text },
          finish_reason: last ? finish : null,
        };
        writeData(res, { ...base, choices: [choice] });
      }
      const rate = cluster.options.tokensPerSecond;
      if (!last && rate > 0) await sleep(1000 / rate, undefined, { signal });
    }

    // 0.x ends a stream by closing it: no `data: [DONE]`, no usage in the stream.
    if (stream) return void res.end();
    const message = { role: 'assistant', content };
    const usage = {
      prompt_tokens: plan.promptTokens,
      completion_tokens: plan.completionTokens,
      total_tokens: plan.promptTokens + plan.completionTokens,
    };
    sendJson(res, 200, {
      ...base,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      usage,
    });
  } catch {
    res.destroy();
  }
}

/** Unknown and `gpt-*` names fall back to the default model without a word (0.x behaviour). */
function resolveModel(cluster: Cluster, requested: string): SimModel | undefined {
  const models = cluster.options.models;
  return models.find((m) => shortId(m) === requested || m.id === requested) ?? models[0];
}

async function autoLoad(cluster: Cluster, model: SimModel, signal: AbortSignal): Promise<void> {
  const loaded = loadedByCluster.get(cluster) ?? new Set<string>();
  loadedByCluster.set(cluster, loaded);
  if (loaded.has(model.id)) return;

  const { downloadMs, loadMs, warmupMs } = cluster.options;
  await sleep(downloadMs + loadMs + warmupMs, undefined, { signal });
  loaded.add(model.id);
}
