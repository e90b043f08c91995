/**
 * Turns the errors msrptap throws on purpose into one clear message on stderr and an exit code.
 * Anything else is a bug: print the stack so it can be reported.
 */
import { isConfigError, isIoError } from '../core/errors.js';

export function reportFatal(e: unknown): number {
  if (isConfigError(e)) {
    process.stderr.write(`msrptap: ${e.message}\n`);
    if (e.fix !== undefined) process.stderr.write(`msrptap: fix: ${e.fix}\n`);
    return 2;
  }
  if (isIoError(e)) {
    const where = e.offset !== undefined ? ` (at byte offset ${e.offset})` : '';
    process.stderr.write(`msrptap: ${e.message}${where}\n`);
    return 1;
  }
  process.stderr.write(`msrptap: internal error (a bug; please report it with this trace):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 70; // EX_SOFTWARE
}
