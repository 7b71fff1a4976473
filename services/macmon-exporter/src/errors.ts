// Every error this service raises carries a stable code; the README lists cause and fix for each.

export type ErrorCode = 'MACMON_CONFIG_INVALID' | 'MACMON_NOT_FOUND';

export class ExporterError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ExporterError';
    this.code = code;
  }
}

export function macmonNotFound(looked: readonly string[]): ExporterError {
  const places = looked.map((place) => `  - ${place}`).join('\n');
  return new ExporterError(
    'MACMON_NOT_FOUND',
    `macmon not found. Looked in:\n${places}\n` +
      'Install EXO.app (it bundles macmon) or `brew install macmon`, or set MACMON_PATH to the ' +
      'absolute path of a macmon binary (e.g. MACMON_PATH=/opt/homebrew/bin/macmon).',
  );
}
