/**
 * Turns the errors msrptap throws on purpose into one `exit.*` event and an exit code:
 * `exit.config_error` (2: bad usage or configuration), `exit.io_error` (1: an input or output
 * failed), and `exit.internal_error` (70, EX_SOFTWARE) for anything else, which is a bug: its
 * stack goes with it so it can be reported. The error's `cause` chain is kept (src/core/log.ts).
 */
import { isConfigError, isIoError } from '../core/errors.js';
import { serialiseError, type Logger } from '../core/log.js';

export function reportFatal(e: unknown, log: Logger): number {
  const cause = e instanceof Error && e.cause !== undefined ? { cause: serialiseError(e.cause) } : {};
  if (isConfigError(e)) {
    log.log('error', 'exit.config_error', { ...(e.fix !== undefined ? { fix: e.fix } : {}), ...cause }, e.message);
    return 2;
  }
  if (isIoError(e)) {
    log.log('error', 'exit.io_error', { path: e.path, ...(e.offset !== undefined ? { offset: e.offset } : {}), ...cause }, e.message);
    return 1;
  }
  log.log('error', 'exit.internal_error', { err: serialiseError(e, true) }, 'internal error (a bug; please report it with this trace)');
  return 70;
}
