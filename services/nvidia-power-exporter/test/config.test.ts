import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, helpText, loadConfig, settings, wantsHelp } from '../src/config.ts';

describe('loadConfig', () => {
  it('has the documented defaults and is frozen', () => {
    const config = loadConfig([], {});
    assert.deepEqual(
      { ...config },
      {
        smiPath: 'nvidia-smi',
        intervalMs: 5000,
        gpus: undefined,
        startTimeoutMs: 15_000,
        heartbeatFile: undefined,
      },
    );
    assert.ok(Object.isFrozen(config));
  });

  it('reads the environment and lets flags win', () => {
    const config = loadConfig(['--interval-ms', '1000'], {
      NVIDIA_SMI_PATH: '/usr/bin/nvidia-smi',
      NVIDIA_SMI_INTERVAL_MS: '2000',
      NVIDIA_SMI_GPUS: '0, GPU-1a2b3c4d-0000-0000-0000-000000000000',
    });
    assert.equal(config.smiPath, '/usr/bin/nvidia-smi');
    assert.equal(config.intervalMs, 1000);
    assert.deepEqual(config.gpus, ['0', 'GPU-1a2b3c4d-0000-0000-0000-000000000000']);
  });

  it('lists every bad field in one error with the expected form and what arrived', () => {
    assert.throws(
      () =>
        loadConfig([], {
          NVIDIA_SMI_INTERVAL_MS: '5s',
          NVIDIA_SMI_GPUS: 'first',
          NVIDIA_SMI_START_TIMEOUT_MS: '0',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, 'CONFIG_INVALID');
        assert.match(
          err.message,
          /NVIDIA_SMI_INTERVAL_MS \(--interval-ms\): expected an integer 100\.\.3600000, received "5s"/,
        );
        assert.match(
          err.message,
          /NVIDIA_SMI_GPUS \(--gpus\): expected GPU indexes, UUIDs or PCI bus ids, received "first"/,
        );
        assert.match(err.message, /NVIDIA_SMI_START_TIMEOUT_MS/);
        return true;
      },
    );
  });

  it('refuses unknown flags and documents every setting in --help', () => {
    assert.throws(() => loadConfig(['--intervall', '5'], {}), ConfigError);
    for (const setting of settings) {
      assert.match(helpText(), new RegExp(`--${setting.flag}.*${setting.env}`));
    }
    assert.equal(wantsHelp(['--help']), true);
    assert.equal(wantsHelp([]), false);
  });
});
