import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import {
  nvidiaSmiEnv,
  type StandinFault,
  writeNvidiaSmiControl,
} from '@llm-lab/testkit/nvidia-smi';
import { metricNames } from '../src/metric-names.ts';
import {
  type ExporterProcess,
  isAlive,
  readRunLog,
  scratchDir,
  startExporter,
  waitUntil,
} from './support/exporter-process.ts';

let sink: OtlpSink;
let exporter: ExporterProcess | undefined;
const scratch = scratchDir();

before(async () => {
  sink = await startOtlpSink();
});
afterEach(async () => {
  await exporter?.stop();
  exporter = undefined;
  sink.clear();
});
after(async () => {
  await sink.close();
  scratch.dispose();
});

const driverFaults: Array<{ fault: StandinFault; code: string; says: RegExp }> = [
  { fault: 'driver-not-loaded', code: 'NVSMI_DRIVER_NOT_LOADED', says: /driver.*NVIDIA runtime/ },
  { fault: 'nvml-missing', code: 'NVSMI_NVML_MISSING', says: /libnvidia-ml\.so.*NVIDIA runtime/ },
  { fault: 'version-mismatch', code: 'NVSMI_VERSION_MISMATCH', says: /reboot the host/ },
  { fault: 'unknown-error', code: 'NVSMI_UNKNOWN_ERROR', says: /dmesg/ },
];

describe('driver and NVML failures printed on stdout', () => {
  for (const { fault, code, says } of driverFaults) {
    it(`${fault}: one error line that says what to check, then recovery once it clears`, async () => {
      const control = join(scratch.path, `${fault}.json`);
      writeNvidiaSmiControl(control, { fault });
      exporter = startExporter({
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        ...nvidiaSmiEnv({ controlFile: control, table: 'load' }),
      });

      const line = await exporter.waitForLog((l) => l.code === code);
      assert.equal(line.level, 'error');
      assert.match(line.msg, says);
      await sink.waitForMetric(metricNames.childRestarts, { attributes: { reason: code } });

      writeNvidiaSmiControl(control, {});
      await sink.waitForMetric(metricNames.powerBoard, { where: (p) => p.value === 627.4 });
    });
  }

  it('a missing binary is named with the setting that fixes it', async () => {
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      NVIDIA_SMI_PATH: join(scratch.path, 'no-such-nvidia-smi'),
    });
    const line = await exporter.waitForLog((l) => l.code === 'NVSMI_NOT_FOUND');
    assert.match(line.msg, /NVIDIA_SMI_PATH/);
  });
});

describe('a hung nvidia-smi', () => {
  it('is killed after 3 silent intervals, even though it ignores SIGTERM, and replaced', async () => {
    const runLog = join(scratch.path, 'hang.log');
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      ...nvidiaSmiEnv({ fault: 'hang', faultAfter: 3, runLog }),
    });

    const line = await exporter.waitForLog((l) => l.code === 'NVSMI_HANG');
    assert.match(line.msg, /printed nothing for 300 ms/);
    const [first] = readRunLog(runLog);
    assert.ok(first);
    await waitUntil(() => !isAlive(first.pid), 5000, 'the hung child to be gone');
    await waitUntil(() => readRunLog(runLog).length >= 2, 5000, 'a replacement child');
  });

  it('that never prints its first row is killed after the start timeout', async () => {
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      NVIDIA_SMI_START_TIMEOUT_MS: '1000',
      ...nvidiaSmiEnv({ fault: 'hang' }),
    });
    const line = await exporter.waitForLog((l) => l.code === 'NVSMI_HANG');
    assert.match(line.msg, /printed nothing for 1000 ms/);
  });
});

describe('rows that are not plain readings', () => {
  it('[GPU is lost]: logged once at error, that GPU stops, the others go on', async () => {
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      ...nvidiaSmiEnv({ gpus: 2, fault: 'gpu-lost', faultAfter: 3 }),
    });
    const lost = await exporter.waitForLog((l) => l.code === 'NVSMI_GPU_LOST');
    assert.equal(lost.level, 'error');
    assert.equal((lost.gpu as Record<string, unknown>)['gpu.index'], 0);

    const since = sink.metricPoints(metricNames.powerBoard).length;
    await sink.waitForMetric(metricNames.powerBoard, {
      attributes: { 'gpu.index': 1 },
      where: () => sink.metricPoints(metricNames.powerBoard).length > since + 4,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const later = sink.metricPoints(metricNames.powerBoard).slice(since + 2);
    assert.ok(later.some((p) => p.attributes['gpu.index'] === 1));
    assert.ok(
      later.every((p) => p.attributes['gpu.index'] !== 0),
      'GPU 0 must have no point after it was lost',
    );
    assert.equal(exporter.logs.filter((l) => l.code === 'NVSMI_GPU_LOST').length, 1);
  });

  it('XID text between rows is reported at warn and the rows still count', async () => {
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      ...nvidiaSmiEnv({ fault: 'xid-noise', table: 'load' }),
    });
    const line = await exporter.waitForLog((l) => l.msg === 'nvidia-smi printed text between rows');
    assert.equal(line.level, 'warn');
    await sink.waitForMetric(metricNames.powerBoard, { where: (p) => p.value === 627.4 });
    assert.equal(exporter.logs.filter((l) => l.level === 'error').length, 0);
  });
});
