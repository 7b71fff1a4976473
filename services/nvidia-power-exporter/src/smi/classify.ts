/** Why a nvidia-smi child ended, with what to check; codes are listed in the README. */
export interface SmiFailure {
  code: SmiFailureCode;
  /** What is wrong, in one sentence. */
  message: string;
  /** What the operator should check. */
  hint: string;
  /** The field the driver rejected (only for NVSMI_INVALID_FIELD). */
  field?: string;
}

export type SmiFailureCode =
  | 'NVSMI_INVALID_FIELD'
  | 'NVSMI_DRIVER_NOT_LOADED'
  | 'NVSMI_NVML_MISSING'
  | 'NVSMI_VERSION_MISMATCH'
  | 'NVSMI_NO_DEVICES'
  | 'NVSMI_NOT_FOUND'
  | 'NVSMI_UNKNOWN_ERROR'
  | 'NVSMI_HANG'
  | 'NVSMI_EXITED';

export interface ChildEnd {
  exitCode: number | undefined;
  signal: string | undefined;
  /** Non-CSV text the child printed (nvidia-smi prints its errors on stdout). */
  output: string[];
  /** The spawn error code, e.g. ENOENT when the binary is missing. */
  spawnError: string | undefined;
}

const RUNTIME_HINT =
  'is the NVIDIA driver loaded on the host (`nvidia-smi` works there), and was this container started with the NVIDIA runtime (compose device reservation `driver: nvidia`, or `docker run --gpus all`)?';

// Exit codes follow NVML's return codes; nvidia-smi prints the message on stdout, not stderr
// (nvidia_gpu_exporter #63). The text is matched too, because wrappers (sudo, ssh) may change
// the code but pass the message through.
export function classifyEnd(end: ChildEnd, smiPath: string): SmiFailure {
  const text = end.output.join('\n');
  const field = /Field "([^"]+)" is not a valid field to query/.exec(text)?.[1];

  if (field !== undefined) {
    return {
      code: 'NVSMI_INVALID_FIELD',
      field,
      message: `this driver does not know the field "${field}"`,
      hint: 'the field is dropped and the query retried; an older driver simply has fewer readings',
    };
  }
  if (end.spawnError === 'ENOENT' || end.spawnError === 'EACCES') {
    return {
      code: 'NVSMI_NOT_FOUND',
      message: `cannot run nvidia-smi at "${smiPath}" (${end.spawnError})`,
      hint: 'set NVIDIA_SMI_PATH to the binary, or start the container with the NVIDIA runtime, which mounts nvidia-smi into it',
    };
  }
  if (end.exitCode === 9 || /couldn't communicate with the NVIDIA driver/.test(text)) {
    return {
      code: 'NVSMI_DRIVER_NOT_LOADED',
      message: 'nvidia-smi cannot talk to the NVIDIA driver',
      hint: RUNTIME_HINT,
    };
  }
  if (end.exitCode === 12 || /libnvidia-ml\.so/.test(text)) {
    return {
      code: 'NVSMI_NVML_MISSING',
      message: 'nvidia-smi cannot find the NVML library (libnvidia-ml.so)',
      hint: `the NVIDIA container toolkit mounts it when the container has a GPU reserved and NVIDIA_DRIVER_CAPABILITIES includes utility; on a bare host, reinstall the driver. Also: ${RUNTIME_HINT}`,
    };
  }
  if (end.exitCode === 18 || /version mismatch/i.test(text)) {
    return {
      code: 'NVSMI_VERSION_MISMATCH',
      message: 'the NVIDIA kernel module and the NVML library are different versions',
      hint: 'the driver was upgraded without a reboot: reboot the host (or reload the nvidia kernel modules), then restart this container',
    };
  }
  if (end.exitCode === 6 || /No devices were found/.test(text)) {
    return {
      code: 'NVSMI_NO_DEVICES',
      message: 'nvidia-smi found no GPU matching the selection',
      hint: 'check NVIDIA_SMI_GPUS (indexes or UUIDs from `nvidia-smi -L`) and that the GPUs are visible to this container (NVIDIA_VISIBLE_DEVICES, the compose device reservation)',
    };
  }
  if (end.exitCode === 255) {
    return {
      code: 'NVSMI_UNKNOWN_ERROR',
      message: `nvidia-smi failed with an unknown error${text ? `: ${firstLine(text)}` : ''}`,
      hint: `often transient; if it repeats, check \`dmesg\` for Xid errors and ${RUNTIME_HINT}`,
    };
  }
  return {
    code: 'NVSMI_EXITED',
    message: `nvidia-smi ended (exit ${end.exitCode ?? '-'}, signal ${end.signal ?? '-'})${text ? `: ${firstLine(text)}` : ''}`,
    hint: RUNTIME_HINT,
  };
}

/** The failure used when the child printed nothing for too long and was killed. */
export function hangFailure(silentMs: number): SmiFailure {
  return {
    code: 'NVSMI_HANG',
    message: `nvidia-smi printed nothing for ${silentMs} ms and was killed`,
    hint: 'a wedged driver makes nvidia-smi hang: check `dmesg` for Xid errors; persistence mode (nvidia-persistenced) makes each query faster',
  };
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}
