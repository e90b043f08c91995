/**
 * The only exceptions msrptap throws on purpose: bad configuration, I/O failures (including a
 * capture file that cannot be read further) and broken internal invariants. Packet content
 * never throws: it becomes anomalies (./anomaly.ts). Each class has a stable `name` and a type
 * guard, so the CLI can map them to messages and exit codes without instanceof across realms.
 */

/** Invalid command line, tasks file or other configuration. `fix` tells the user what to do. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** A file, device or socket failed. `path` names it; `offset` is the byte offset where known. */
export class IoError extends Error {
  override readonly name: string = 'IoError';
  constructor(
    message: string,
    readonly path: string,
    readonly offset?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A capture file is damaged beyond the point reached: frames before `offset` were delivered.
 * Thrown by readers when they cannot resynchronise (e.g. a corrupt pcap record header).
 */
export class CaptureFormatError extends IoError {
  override readonly name = 'CaptureFormatError';
}

/** A bug: an internal invariant did not hold. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof Error && e.name === 'ConfigError';
}
export function isIoError(e: unknown): e is IoError {
  return e instanceof Error && (e.name === 'IoError' || e.name === 'CaptureFormatError');
}
export function isCaptureFormatError(e: unknown): e is CaptureFormatError {
  return e instanceof Error && e.name === 'CaptureFormatError';
}
