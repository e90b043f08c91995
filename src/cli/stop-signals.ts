/**
 * SIGINT/SIGTERM during an offline `run`: the first signal stops reading between two frames and
 * lets the run drain as a live run does at its stop (flush reassembly, close sessions with their
 * release records, close the files, write the manifests and audit.json marked "interrupted"),
 * within a time limit; a second signal, or the limit passing, aborts at once. Exit status after
 * a signal is 128 + its number (130 SIGINT, 143 SIGTERM), as shells report a process the signal
 * killed: the input was not read to its end.
 */
import { constants } from 'node:os';
import type { Logger } from '../core/log.js';

/** How long the drain after the first signal may take before the run aborts (ms). */
export const DRAIN_LIMIT_MS = 10_000;

/** 128 + the signal number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (constants.signals[sig] ?? 0);
}

export class StopSignals {
  /** Resolves with the first signal. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** The first signal received, if any. */
  signal: NodeJS.Signals | undefined;
  private resolve: (s: NodeJS.Signals) => void = () => {};
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly limitMs = DRAIN_LIMIT_MS,
  ) {
    this.stopped = new Promise((r) => {
      this.resolve = r;
    });
    process.on('SIGINT', this.on);
    process.on('SIGTERM', this.on);
  }

  private readonly on = (sig: NodeJS.Signals): void => {
    if (this.signal !== undefined) {
      this.log.log('error', 'signal.abort', { signal: sig }, `${sig} again: aborting now; the outputs are incomplete and have no manifest`);
      process.exit(signalExitCode(sig));
    }
    this.signal = sig;
    this.log.log('warn', 'signal.stopping', { signal: sig, limitS: this.limitMs / 1000 }, 'stopped reading; writing what was read (send the signal again to abort at once)');
    this.timer = setTimeout(() => {
      this.log.log('error', 'signal.drain_timeout', { signal: sig, limitS: this.limitMs / 1000 }, 'the outputs could not be finished in time: aborting; they are incomplete');
      process.exit(signalExitCode(sig));
    }, this.limitMs);
    this.timer.unref();
    this.resolve(sig);
  };

  /** Removes the handlers (the default actions apply again). */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    process.off('SIGINT', this.on);
    process.off('SIGTERM', this.on);
  }
}
