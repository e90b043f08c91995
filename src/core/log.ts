/**
 * The one logging channel of msrptap: every line an operator sees on stderr is an event with a
 * stable dotted name (`capture.truncated`, `run.summary`, ...), a level and flat fields. The
 * stages take a `Logger` and never write to stderr themselves; the CLI owns the sink
 * (src/cli/stderr-logger.ts: text or JSON Lines). This file is pure (no I/O).
 *
 * Logs may leave the LI domain (log shippers, tickets): fields carry counts, task ids (XID,
 * LIID, DID), paths and error reasons only, never message content and never identities.
 */

/** Severity, lowest first (syslog-like names, as ops tools expect). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  /**
   * One event. `event` is a stable dotted name (documented in the README: scripts match it);
   * `msg` is an optional human sentence that may change between versions.
   */
  log(level: LogLevel, event: string, fields?: LogFields, msg?: string): void;
  /** False when `level` is below the configured threshold (skip building costly fields). */
  enabled(level: LogLevel): boolean;
}

/** Discards everything (library use and tests). */
export const SILENT_LOGGER: Logger = { log: () => {}, enabled: () => false };

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

export function levelRank(l: LogLevel): number {
  return LOG_LEVELS.indexOf(l);
}

/** An error as JSON: name, message, the fields msrptap's errors carry, and the `cause` chain. */
export interface SerialisedError {
  name: string;
  message: string;
  code?: string;
  path?: string;
  offset?: number;
  fix?: string;
  stack?: string;
  cause?: SerialisedError;
}

/** Deeper cause chains are cut here (a cycle, or a library nesting without end). */
const MAX_CAUSE_DEPTH = 8;

/**
 * Serialises `e` with its `cause` chain (ES2022 Error.cause). `stack` only when asked (bugs):
 * a stack names source files, not data, but it is noise for expected errors.
 */
export function serialiseError(e: unknown, withStack = false, depth = 0): SerialisedError {
  if (!(e instanceof Error)) return { name: typeof e, message: String(e) };
  const x = e as Error & { code?: unknown; path?: unknown; offset?: unknown; fix?: unknown };
  const out: SerialisedError = { name: e.name, message: e.message };
  if (typeof x.code === 'string') out.code = x.code;
  if (typeof x.path === 'string') out.path = x.path;
  if (typeof x.offset === 'number') out.offset = x.offset;
  if (typeof x.fix === 'string') out.fix = x.fix;
  if (withStack && e.stack !== undefined) out.stack = e.stack;
  if (e.cause !== undefined && depth < MAX_CAUSE_DEPTH) out.cause = serialiseError(e.cause, withStack, depth + 1);
  return out;
}
