import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { macmonFixture, macmonStandinEnv, macmonStandinPath } from '@llm-lab/testkit/macmon';
import {
  nvidiaSmiCaptures,
  nvidiaSmiEnv,
  nvidiaSmiPath,
  writeNvidiaSmiControl,
} from '@llm-lab/testkit/nvidia-smi';
import { stringify } from 'yaml';
import { ProcessGroup } from './processes.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const testkitBin = (name: string) => join(repo, 'packages/testkit/bin', name);
const serviceMain = (name: string) => join(repo, 'services', name, 'dist/main.js');

export const MAC_MODELS = {
  'llama-3.2-3b': { exoModelId: 'mlx-community/Llama-3.2-3B-Instruct-4bit', size: '1.8GB' },
  'qwen2.5-14b': { exoModelId: 'mlx-community/Qwen2.5-14B-Instruct-4bit', size: '8.3GB' },
} as const;
export const NVIDIA_MODEL = 'qwen2.5-coder-32b';

export interface LabOptions {
  outDir: string;
  /** Idle TTL of the Mac models, seconds: short, so an unload is seen. */
  ttlSeconds: number;
  /** Sampling and export interval of every exporter, ms. */
  intervalMs: number;
}

export interface Lab {
  sink: OtlpSink;
  routerUrl: string;
  processes: ProcessGroup;
  /** Every port the lab listens on. */
  ports: number[];
  setNvidiaBusy(busy: boolean): void;
  /** Stops every child: SIGTERM, then SIGKILL after `graceMs` (default 5 s). */
  stop(graceMs?: number): Promise<void>;
}

/** Starts every piece of the lab on 127.0.0.1, each on a free port. */
export async function startLab(options: LabOptions): Promise<Lab> {
  const processes = new ProcessGroup(options.outDir);
  const sink = await startOtlpSink();
  const telemetryEnv = {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_METRIC_EXPORT_INTERVAL: String(options.intervalMs),
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    LAB_ENVIRONMENT: 'demo',
  };
  const node = process.execPath;
  const urlLine = (line: string) => line.startsWith('{"url"');

  try {
    const exo = await processes.start({
      name: 'exo-sim',
      command: node,
      args: [
        testkitBin('exo-sim'),
        '--node',
        'mac-studio:128GiB',
        '--node',
        'mac-mini:24GiB',
        ...Object.values(MAC_MODELS).flatMap((m) => ['--model', `${m.exoModelId}:${m.size}`]),
        '--download-ms',
        '1500',
        '--load-ms',
        '1200',
        '--warmup-ms',
        '400',
        '--tokens-per-second',
        '60',
        '--prefill-ms',
        '150',
      ],
      readyWhen: urlLine,
    });
    const llamaSwap = await processes.start({
      name: 'llama-swap-standin',
      command: node,
      args: [
        testkitBin('llama-swap-standin'),
        '--model',
        NVIDIA_MODEL,
        '--tokens-per-second',
        '90',
        '--prefill-ms',
        '80',
      ],
      readyWhen: urlLine,
    });

    const routerPort = await freePort();
    const configPath = join(options.outDir, 'exo-router.yaml');
    writeFileSync(
      configPath,
      stringify(
        routerConfig(
          urlOf(exo.readyLine),
          urlOf(llamaSwap.readyLine),
          routerPort,
          options.ttlSeconds,
        ),
      ),
    );
    await processes.start({
      name: 'exo-router',
      command: node,
      args: [serviceMain('exo-router'), '--config', configPath],
      env: { ...telemetryEnv, LAB_HOST_NAME: 'docker-host' },
      readyWhen: (line) => line.includes('exo-router listening'),
    });

    for (const [host, fixture] of [
      ['mac-studio', 'v0.7-exo-pinned-cpu-load.jsonl'],
      ['mac-mini', 'v0.5-m3pro-24gb-idle.jsonl'],
    ] as const) {
      await processes.start({
        name: `macmon-exporter-${host}`,
        command: node,
        args: [serviceMain('macmon-exporter')],
        env: {
          ...telemetryEnv,
          ...macmonStandinEnv({ file: macmonFixture(fixture) }),
          MACMON_PATH: macmonStandinPath,
          MACMON_INTERVAL_MS: String(options.intervalMs),
          LAB_HOST_NAME: host,
        },
      });
    }

    const controlFile = join(options.outDir, 'nvidia-smi-control.json');
    writeNvidiaSmiControl(controlFile, { table: 'idle' });
    await processes.start({
      name: 'nvidia-power-exporter',
      command: node,
      args: [serviceMain('nvidia-power-exporter')],
      env: {
        ...telemetryEnv,
        ...nvidiaSmiEnv({ capture: nvidiaSmiCaptures.rtx4080Super, controlFile }),
        PATH: `${join(node, '..')}:${process.env.PATH ?? ''}`,
        NVIDIA_SMI_PATH: nvidiaSmiPath,
        NVIDIA_SMI_INTERVAL_MS: String(options.intervalMs),
        LAB_HOST_NAME: 'gpu-box',
      },
    });

    return {
      sink,
      routerUrl: `http://127.0.0.1:${routerPort}`,
      processes,
      ports: [
        sink.port,
        routerPort,
        ...[exo, llamaSwap].map((p) => Number(new URL(urlOf(p.readyLine)).port)),
      ],
      setNvidiaBusy: (busy) =>
        writeNvidiaSmiControl(controlFile, { table: busy ? 'load' : 'idle' }),
      async stop(graceMs) {
        await processes.stopAll(graceMs);
        await sink.close();
      },
    };
  } catch (err) {
    await processes.stopAll();
    await sink.close();
    throw err;
  }
}

function routerConfig(exoUrl: string, llamaSwapUrl: string, port: number, ttlSeconds: number) {
  return {
    exo: { baseUrl: exoUrl },
    listen: { host: '127.0.0.1', port },
    defaults: { ttl: `${ttlSeconds}s`, loadTimeout: '2m', stallTimeout: '30s' },
    models: Object.fromEntries(
      Object.entries(MAC_MODELS).map(([name, m]) => [name, { exoModelId: m.exoModelId }]),
    ),
    upstreams: {
      'llama-swap': {
        baseUrl: `${llamaSwapUrl}/v1`,
        provider: 'llama.cpp',
        models: [NVIDIA_MODEL],
      },
    },
  };
}

function urlOf(line: string | undefined): string {
  return (JSON.parse(line ?? '{}') as { url: string }).url;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
