import type { StandinFault } from './options.ts';

/** A fault that ends the process: stdout text (nvidia-smi prints errors there) and exit code. */
export interface ExitFault {
  stdout: string;
  exitCode: number;
}

// Messages and codes as nvidia-smi prints them (reference: power-sources.md B.4).
const exitFaults: Partial<Record<StandinFault, ExitFault>> = {
  'driver-not-loaded': {
    stdout:
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n",
    exitCode: 9,
  },
  'nvml-missing': {
    stdout:
      "NVIDIA-SMI couldn't find libnvidia-ml.so library in your system. Please make sure that the NVIDIA Display Driver is properly installed and present in your system.\nPlease also try adding directory that contains libnvidia-ml.so to your system PATH.\n",
    exitCode: 12,
  },
  'version-mismatch': {
    stdout:
      'Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 535.161\n',
    exitCode: 18,
  },
  'unknown-error': {
    stdout: 'Unknown Error\n',
    exitCode: 255,
  },
};

export function exitFaultOf(fault: StandinFault): ExitFault | undefined {
  return exitFaults[fault];
}

export function invalidFieldMessage(field: string): string {
  return `Field "${field}" is not a valid field to query.\n\n`;
}

/** Kernel XID text that nvidia-smi can interleave with the CSV rows in loop mode. */
export function xidNoiseLine(busId: string): string {
  return `Xid (PCI:${busId}): 79, pid=1234, GPU has fallen off the bus.\n`;
}

export const gpuLostToken = '[GPU is lost]';
