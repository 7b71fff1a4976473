import { z } from 'zod';
import { parseBytes, parseDuration } from './units.ts';

// The YAML config file's schema. Durations become milliseconds, byte sizes bytes.

const durationForm = 'a duration such as "90s", "10m", "1h", or seconds as a number';

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 0) {
    ctx.addIssue({ code: 'custom', message: durationForm });
    return z.NEVER;
  }
  return ms;
});

const byteSize = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = parseBytes(value);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a byte size such as "32MiB", "512KiB", or bytes' });
    return z.NEVER;
  }
  return bytes;
});

const httpUrl = z
  .string({ error: 'an http(s) URL' })
  .refine((value) => /^https?:\/\/[^/]+/.test(value) && URL.canParse(value), 'an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

const positiveInt = z.number({ error: 'a whole number ≥ 1' }).int().min(1, 'a whole number ≥ 1');

const sharding = z.enum(['Pipeline', 'Tensor'], { error: 'Pipeline or Tensor' });

const instanceType = z.enum(['MlxRing', 'MlxJaccl'], { error: 'MlxRing or MlxJaccl' });

const modelName = z.string().min(1, 'a non-empty model name');

const modelDefaults = z.strictObject({
  ttl: duration.prefault('30m'),
  loadTimeout: duration.prefault('15m'),
  stallTimeout: duration.prefault('2m'),
  maxQueue: positiveInt.prefault(64),
  sharding: sharding.prefault('Pipeline'),
  instanceType: instanceType.prefault('MlxRing'),
  minNodes: positiveInt.prefault(1),
});

const modelEntry = z.strictObject({
  exoModelId: z.string({ error: 'an EXO model id (Hugging Face repo id)' }).min(1),
  aliases: z.array(modelName).prefault([]),
  ttl: duration.optional(),
  loadTimeout: duration.optional(),
  stallTimeout: duration.optional(),
  maxQueue: positiveInt.optional(),
  sharding: sharding.optional(),
  instanceType: instanceType.optional(),
  minNodes: positiveInt.optional(),
});

const upstreamEntry = z.strictObject({
  baseUrl: httpUrl,
  provider: z.string().min(1).prefault('openai'),
  models: z.array(modelName).min(1, 'at least one model name or glob'),
  apiKey: z.string().min(1).optional(),
});

export const configSchema = z.strictObject({
  exo: z
    .strictObject({
      baseUrl: httpUrl.prefault('http://127.0.0.1:52415'),
      requestTimeout: duration.prefault('30s'),
    })
    .prefault({}),
  listen: z
    .strictObject({
      host: z.string().min(1).prefault('127.0.0.1'),
      port: z.number().int().min(0).max(65535, 'a port 0–65535').prefault(8767),
    })
    .prefault({}),
  defaults: modelDefaults.prefault({}),
  models: z.record(modelName, modelEntry).prefault({}),
  upstreams: z.record(z.string().min(1), upstreamEntry).prefault({}),
  auth: z.strictObject({ apiKeys: z.array(z.string().min(1)).prefault([]) }).prefault({}),
  limits: z
    .strictObject({
      bodyLimit: byteSize.prefault('32MiB'),
      maxEventLoopDelay: duration.prefault('1s'),
      maxHeapUsedBytes: byteSize.prefault(0),
      requestTimeout: duration.prefault('60s'),
    })
    .prefault({}),
  telemetry: z.strictObject({ recordContent: z.boolean().prefault(false) }).prefault({}),
});

export type ParsedConfig = z.output<typeof configSchema>;
