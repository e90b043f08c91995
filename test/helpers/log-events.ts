/**
 * Reads the CLI's stderr as the JSON Lines events it writes when stderr is not a terminal
 * (src/cli/stderr-logger.ts), so tests assert on event names and fields, not on wording.
 */
export interface LogEvent {
  time: string;
  level: string;
  event: string;
  pid: number;
  msg?: string;
  [field: string]: unknown;
}

/** Every JSON event line of `stderr`; any other line fails the test (one logging channel). */
export function logEvents(stderr: string): LogEvent[] {
  return stderr
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as LogEvent;
      } catch {
        throw new Error(`stderr line is not a JSON event: ${l}`);
      }
    });
}

/** The events named `event`. */
export function eventsNamed(stderr: string, event: string): LogEvent[] {
  return logEvents(stderr).filter((e) => e.event === event);
}

/** One line per event: `EVENT: msg (at byte offset N)`, for regular expressions on what a person reads. */
export function eventText(stderr: string): string {
  return logEvents(stderr)
    .map((e) => `${e.event}: ${e.msg ?? ''}${typeof e.offset === 'number' ? ` (at byte offset ${e.offset})` : ''}`)
    .join('\n');
}
