import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { type Harness, LLAMA_1B, noSignal, startHarness, statusOf } from './harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('a cold acquire places, creates and waits until every runner is ready', async () => {
  const phases: string[] = [];
  const lease = await h.manager.acquire('llama-1b', {
    signal: noSignal(),
    onProgress: (p) => phases.push(p.phase),
  });

  assert.equal(lease.exoModelId, LLAMA_1B);
  assert.equal(h.sim.stats.placementCalls, 1);
  assert.equal(h.sim.stats.createInstanceCalls, 1);
  const [instance] = h.sim.instances();
  assert.equal(instance?.instanceId, lease.instanceId);
  assert.equal(instance?.status, 'ready');
  assert.ok(phases.includes('placing'));
  assert.ok(phases.includes('downloading') || phases.includes('loading'));

  const status = statusOf(h.manager, 'llama-1b');
  assert.equal(status.state, 'ready');
  assert.equal(status.inFlight, 1);
  assert.equal(status.idleUntil, null, 'no idle deadline while a lease is held');
  lease.release();
  lease.release();
  assert.equal(statusOf(h.manager, 'llama-1b').inFlight, 0, 'release is idempotent');
  assert.ok(statusOf(h.manager, 'llama-1b').idleUntil);
});

test('the load span is cold, nests under the caller and names the instance', async () => {
  const parent = h.tracer.startSpan('request');
  const parentContext = trace.setSpan(context.active(), parent);
  const lease = await h.manager.acquire('qwen-30b', { signal: noSignal(), parentContext });
  lease.release();
  parent.end();

  const load = (await h.spans('exo_router.model.load')).find(
    (s) => s.attributes['gen_ai.request.model'] === 'qwen-30b',
  );
  assert.equal(load?.attributes['exo_router.load.kind'], 'cold');
  assert.equal(load?.attributes['exo_router.load.outcome'], 'success');
  assert.equal(load?.attributes['exo.instance.id'], lease.instanceId);
  assert.equal(load?.parentSpanContext?.spanId, parent.spanContext().spanId);
  assert.equal(load?.spanContext().traceId, parent.spanContext().traceId);
});

test('a warm acquire goes straight through, aliases included', async () => {
  const creates = h.sim.stats.createInstanceCalls;
  const lease = await h.manager.acquire('llama-small', { signal: noSignal() });
  assert.equal(h.sim.stats.createInstanceCalls, creates);
  assert.equal(h.manager.canonicalName('llama-small'), 'llama-1b');
  lease.release();
});

test('50 concurrent cold acquires share exactly one POST /instance', async () => {
  const before = h.sim.stats.createInstanceCalls;
  const leases = await Promise.all(
    Array.from({ length: 50 }, () => h.manager.acquire('llama-3b', { signal: noSignal() })),
  );

  assert.equal(h.sim.stats.createInstanceCalls - before, 1);
  assert.equal(new Set(leases.map((l) => l.instanceId)).size, 1);
  assert.equal(statusOf(h.manager, 'llama-3b').inFlight, 50);
  for (const lease of leases) lease.release();

  const loads = await h.spans('exo_router.model.load');
  const kinds = loads.map((s) => s.attributes['exo_router.load.kind']);
  assert.equal(kinds.filter((k) => k === 'joined').length, 49);
  const metrics = await h.metrics();
  const loadCounts = metrics.get('exo_router.model.loads') ?? [];
  const joined = loadCounts.find(
    (p) =>
      p.attributes['exo_router.load.kind'] === 'joined' &&
      p.attributes['gen_ai.request.model'] === 'llama-3b',
  );
  assert.equal(joined?.value, 49);
  assert.deepEqual(metrics.get('exo_router.models.loaded')?.[0]?.value, 3);
});

test('an unknown model is model_not_found naming the configured ones', async () => {
  await assert.rejects(h.manager.acquire('gpt-4', { signal: noSignal() }), (err: Error) => {
    assert.equal((err as { code?: string }).code, 'model_not_found');
    assert.match(err.message, /llama-1b/);
    return true;
  });
  assert.equal(h.manager.has('gpt-4'), false);
  assert.equal(h.manager.has('llama-small'), true);
});
