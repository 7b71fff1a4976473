import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyEnd, hangFailure } from '../../src/smi/classify.ts';

const end = (exitCode: number | undefined, output: string[] = [], spawnError?: string) => ({
  exitCode,
  signal: undefined,
  output,
  spawnError,
});

describe('classifyEnd', () => {
  it('names the rejected field', () => {
    const failure = classifyEnd(
      end(2, ['Field "power.draw.instant" is not a valid field to query.']),
      'nvidia-smi',
    );
    assert.equal(failure.code, 'NVSMI_INVALID_FIELD');
    assert.equal(failure.field, 'power.draw.instant');
  });

  it('maps driver and NVML exits to what to check', () => {
    const cases: Array<[number, string, string, RegExp]> = [
      [
        9,
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
        'NVSMI_DRIVER_NOT_LOADED',
        /NVIDIA runtime/,
      ],
      [
        12,
        "NVIDIA-SMI couldn't find libnvidia-ml.so library in your system.",
        'NVSMI_NVML_MISSING',
        /NVIDIA_DRIVER_CAPABILITIES/,
      ],
      [
        18,
        'Failed to initialize NVML: Driver/library version mismatch',
        'NVSMI_VERSION_MISMATCH',
        /reboot/,
      ],
      [255, 'Unknown Error', 'NVSMI_UNKNOWN_ERROR', /dmesg/],
      [6, 'No devices were found', 'NVSMI_NO_DEVICES', /NVIDIA_SMI_GPUS/],
    ];
    for (const [code, text, expected, hint] of cases) {
      const byCode = classifyEnd(end(code), 'nvidia-smi');
      const byText = classifyEnd(end(1, [text]), 'nvidia-smi');
      assert.equal(byCode.code, expected, `exit ${code}`);
      assert.match(byCode.hint, hint);
      if (code !== 255) assert.equal(byText.code, expected, text);
    }
  });

  it('names NVIDIA_SMI_PATH when the binary cannot run', () => {
    const failure = classifyEnd(end(undefined, [], 'ENOENT'), '/opt/none/nvidia-smi');
    assert.equal(failure.code, 'NVSMI_NOT_FOUND');
    assert.match(failure.message, /\/opt\/none\/nvidia-smi/);
    assert.match(failure.hint, /NVIDIA_SMI_PATH/);
  });

  it('reports any other end with its exit code and first line', () => {
    const failure = classifyEnd(end(3, ['', 'something odd']), 'nvidia-smi');
    assert.equal(failure.code, 'NVSMI_EXITED');
    assert.match(failure.message, /exit 3.*something odd/);
    assert.equal(hangFailure(300).code, 'NVSMI_HANG');
  });
});
