/**
 * The sink of the one logging channel (src/core/log.ts): every event goes to stderr as one line,
 * in one of two formats:
 *
 * - `text` (the default when stderr is a terminal): `msrptap: LEVEL EVENT key=value ...`, logfmt
 *   after the prefix (values with spaces or quotes are quoted as JSON strings, nested objects
 *   flattened to dotted keys), so a person reads it and `grep`/logfmt parsers still split it;
 * - `json` (the default otherwise: pipes, files, journald, containers): JSON Lines,
 *   `{"time","level","event","pid",...fields,"msg"}`, what log shippers index without a parser.
 *
 * Why the default follows the terminal: a tap runs mostly under a supervisor whose log store
 * wants JSON, while a person at a terminal wants to read; `--log-format` (or MSRPTAP_LOG_FORMAT)
 * fixes it either way for scripts that must not depend on where stderr points.
 *
 * Lines are written synchronously (process.stderr is synchronous for files, pipes and terminals
 * on Linux), so nothing is lost when the CLI exits right after a fatal error.
 */
import { levelRank, type LogFields, type Logger, type LogLevel, type SerialisedError } from '../core/log.js';

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export class StderrLogger implements Logger {
  private threshold = levelRank('info');

  constructor(
    private format: LogFormat = process.stderr.isTTY === true ? 'text' : 'json',
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
  ) {}

  configure(o: { level?: LogLevel; format?: LogFormat }): void {
    if (o.level !== undefined) this.threshold = levelRank(o.level);
    if (o.format !== undefined) this.format = o.format;
  }

  get currentFormat(): LogFormat {
    return this.format;
  }

  enabled(level: LogLevel): boolean {
    return levelRank(level) >= this.threshold;
  }

  log(level: LogLevel, event: string, fields: LogFields = {}, msg?: string): void {
    if (!this.enabled(level)) return;
    this.write(this.format === 'json' ? jsonLine(level, event, fields, msg) : textLine(level, event, fields, msg));
  }
}

/** The envelope's keys: a field of the same name is dropped, so it can never mislead a log store. */
const ENVELOPE = new Set(['time', 'level', 'event', 'pid', 'msg']);

function jsonLine(level: LogLevel, event: string, fields: LogFields, msg: string | undefined): string {
  const o: Record<string, unknown> = { time: new Date().toISOString(), level, event, pid: process.pid };
  for (const [k, v] of Object.entries(fields)) if (!ENVELOPE.has(k)) o[k] = v;
  if (msg !== undefined) o.msg = msg;
  return `${JSON.stringify(o, jsonReplacer)}\n`;
}

/** bigint (counters) as numbers' text; Uint8Array never expected, but shown as a length, never its bytes. */
function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return v;
}

function textLine(level: LogLevel, event: string, fields: LogFields, msg: string | undefined): string {
  // The sentence first: a person reads the line left to right; parsers do not care.
  const parts = [`msrptap: ${level} ${event}`];
  if (msg !== undefined) parts.push(`msg=${quote(msg)}`);
  const stacks: string[] = [];
  for (const [k, v] of Object.entries(fields)) pushField(parts, k, v, 0, stacks);
  // A bug's trace is read by a person: its lines follow the event, indented, as they were.
  const trail = stacks.map((s) => `\n${s.replace(/^/gm, '  ')}`).join('');
  return `${parts.join(' ')}${trail}\n`;
}

function isSerialisedError(v: unknown): v is SerialisedError {
  return typeof v === 'object' && v !== null && typeof (v as SerialisedError).name === 'string' && typeof (v as SerialisedError).message === 'string';
}

/** Nested objects become dotted keys (logfmt has no nesting); an error becomes its message and cause chain. */
function pushField(parts: string[], key: string, v: unknown, depth: number, stacks: string[]): void {
  if (v === undefined) return;
  if (isSerialisedError(v)) {
    const chain: string[] = [];
    for (let e: SerialisedError | undefined = v; e !== undefined; e = e.cause) {
      chain.push(`${e.name}: ${e.message}${e.code !== undefined ? ` (${e.code})` : ''}`);
      if (e.stack !== undefined) stacks.push(e.stack);
    }
    parts.push(`${key}=${quote(chain.join(' <- caused by: '))}`);
    return;
  }
  if (Array.isArray(v)) {
    parts.push(`${key}=${v.every((x) => typeof x !== 'object' || x === null) ? quote(v.join(',')) : quote(JSON.stringify(v, jsonReplacer))}`);
    return;
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && depth < 3) {
    for (const [k, x] of Object.entries(v)) pushField(parts, `${key}.${k}`, x, depth + 1, stacks);
    return;
  }
  parts.push(`${key}=${scalar(v)}`);
}

function scalar(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null) return String(v);
  if (v instanceof Uint8Array) return `<${v.length}-bytes>`;
  if (typeof v === 'string') return quote(v);
  return quote(JSON.stringify(v, jsonReplacer) ?? String(v));
}

/** Bare when unambiguous for logfmt, else a JSON string (escapes quotes and control characters). */
function quote(s: string): string {
  return s !== '' && /^[\x21\x23-\x3c\x3e-\x7e]+$/.test(s) ? s : JSON.stringify(s);
}

/** The process's logger: configured from --log-level / --log-format before a command runs (./main.ts). */
export const log = new StderrLogger();
