// Expected readings per capture and table, in nvidia-smi's own units (W, °C, %, MiB, MHz) as the
// captures print them; null where the capture holds an absence token. The tests convert % to a
// ratio and MiB to bytes themselves, so a wrong conversion in the exporter cannot hide here.
export interface CaptureReadings {
  powerBoard: number;
  powerAverage: number | null;
  powerInstant: number;
  powerLimit: number;
  tempCore: number;
  tempMemory: number | null;
  utilization: number | null;
  memoryUtilization: number | null;
  memoryUsedMiB: number;
  memoryTotalMiB: number;
  clockSm: number;
  clockMemory: number;
  fanSpeed: number | null;
}

export interface CaptureCase {
  file: string;
  name: string;
  busId: string;
  idle: CaptureReadings;
  load: CaptureReadings;
}

export const captureCases: CaptureCase[] = [
  {
    file: 'linux-x86_64__nvidia-geforce-rtx-2080-super__595.71.05.txt',
    name: 'NVIDIA GeForce RTX 2080 SUPER',
    busId: '00000000:0C:00.0',
    idle: {
      powerBoard: 39.32,
      powerAverage: null,
      powerInstant: 39.32,
      powerLimit: 250,
      tempCore: 40,
      tempMemory: null,
      utilization: 0,
      memoryUtilization: 9,
      memoryUsedMiB: 214,
      memoryTotalMiB: 8192,
      clockSm: 765,
      clockMemory: 810,
      fanSpeed: 38,
    },
    load: {
      powerBoard: 111.5,
      powerAverage: null,
      powerInstant: 111.5,
      powerLimit: 250,
      tempCore: 45,
      tempMemory: null,
      utilization: 8,
      memoryUtilization: 3,
      memoryUsedMiB: 819,
      memoryTotalMiB: 8192,
      clockSm: 2055,
      clockMemory: 7500,
      fanSpeed: 38,
    },
  },
  {
    file: 'linux-x86_64__nvidia-geforce-rtx-4080-super__595.71.05.txt',
    name: 'NVIDIA GeForce RTX 4080 SUPER',
    busId: '00000000:01:00.0',
    idle: {
      powerBoard: 26.2,
      powerAverage: 26.2,
      powerInstant: 28.77,
      powerLimit: 320,
      tempCore: 43,
      tempMemory: null,
      utilization: 0,
      memoryUtilization: 23,
      memoryUsedMiB: 596,
      memoryTotalMiB: 16376,
      clockSm: 210,
      clockMemory: 405,
      fanSpeed: 0,
    },
    load: {
      powerBoard: 84.24,
      powerAverage: 84.24,
      powerInstant: 86.41,
      powerLimit: 320,
      tempCore: 46,
      tempMemory: null,
      utilization: 7,
      memoryUtilization: 2,
      memoryUsedMiB: 1474,
      memoryTotalMiB: 16376,
      clockSm: 2805,
      clockMemory: 11251,
      fanSpeed: 0,
    },
  },
  {
    file: 'linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt',
    name: 'NVIDIA H100 80GB HBM3',
    busId: '00000000:00:09.0',
    idle: {
      powerBoard: 69.85,
      powerAverage: 69.85,
      powerInstant: 69.62,
      powerLimit: 700,
      tempCore: 41,
      tempMemory: 48,
      utilization: 0,
      memoryUtilization: 0,
      memoryUsedMiB: 0,
      memoryTotalMiB: 81559,
      clockSm: 345,
      clockMemory: 2619,
      fanSpeed: null,
    },
    load: {
      powerBoard: 631.95,
      powerAverage: 631.95,
      powerInstant: 625.68,
      powerLimit: 700,
      tempCore: 59,
      tempMemory: 54,
      utilization: 100,
      memoryUtilization: 11,
      memoryUsedMiB: 19818,
      memoryTotalMiB: 81559,
      clockSm: 1980,
      clockMemory: 2619,
      fanSpeed: null,
    },
  },
  {
    file: 'linux-x86_64__nvidia-h100-mig__590.48.01.txt',
    name: 'NVIDIA H100 80GB HBM3',
    busId: '00000000:00:09.0',
    idle: {
      powerBoard: 71.15,
      powerAverage: 71.15,
      powerInstant: 70.72,
      powerLimit: 700,
      tempCore: 42,
      tempMemory: 48,
      utilization: null,
      memoryUtilization: null,
      memoryUsedMiB: 59,
      memoryTotalMiB: 81559,
      clockSm: 345,
      clockMemory: 2619,
      fanSpeed: null,
    },
    load: {
      powerBoard: 433.78,
      powerAverage: 433.78,
      powerInstant: 447.35,
      powerLimit: 700,
      tempCore: 53,
      tempMemory: 59,
      utilization: null,
      memoryUtilization: null,
      memoryUsedMiB: 11125,
      memoryTotalMiB: 81559,
      clockSm: 1980,
      clockMemory: 2619,
      fanSpeed: null,
    },
  },
  {
    file: 'linux-x86_64__nvidia-h200__590.48.01.txt',
    name: 'NVIDIA H200',
    busId: '00000000:83:00.0',
    idle: {
      powerBoard: 77.71,
      powerAverage: 77.71,
      powerInstant: 78.21,
      powerLimit: 700,
      tempCore: 28,
      tempMemory: 32,
      utilization: 0,
      memoryUtilization: 0,
      memoryUsedMiB: 0,
      memoryTotalMiB: 143771,
      clockSm: 345,
      clockMemory: 3201,
      fanSpeed: null,
    },
    load: {
      powerBoard: 627.4,
      powerAverage: 627.4,
      powerInstant: 626.26,
      powerLimit: 700,
      tempCore: 52,
      tempMemory: 40,
      utilization: 100,
      memoryUtilization: 7,
      memoryUsedMiB: 32362,
      memoryTotalMiB: 143771,
      clockSm: 1980,
      clockMemory: 3201,
      fanSpeed: null,
    },
  },
];
