// otlp-sink [--port N] [--host H] [--out FILE]: an OTLP/HTTP receiver that prints one line per
// export as it arrives, for looking at what a service sends without a collector.
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startOtlpSink } from './server.ts';

const HELP = `otlp-sink: print what OTLP/HTTP exporters send
  --host <addr>   listen address (default 127.0.0.1)
  --port <n>      listen port (default 4318; 0 picks a free one)
  --out <file>    also append every decoded point, span and log record there as JSON lines
  --help          this text`;

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4318' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`otlp-sink: --port must be an integer 0-65535; received ${values.port}\n`);
  process.exit(2);
}

const json = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));

const sink = await startOtlpSink({
  host: values.host,
  port,
  onExport({ signal, encoding, points, spans, logs }) {
    const names = [...new Set([...points.map((p) => p.name), ...spans.map((s) => s.name)])];
    const count = points.length + spans.length + logs.length;
    process.stdout.write(`${json({ signal, encoding, count, names })}\n`);
    if (values.out) {
      const records = [...points, ...spans, ...logs].map((record) => json({ signal, ...record }));
      appendFileSync(values.out, `${records.join('\n')}\n`);
    }
  },
});
process.stdout.write(`${json({ url: sink.url })}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sink.close().then(() => process.exit(0));
  });
}
