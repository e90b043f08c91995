/**
 * Waiting on a pipe without blocking forever: a non-blocking descriptor over the same pipe
 * (read by ByteSource.ensureAsync) and the short thread sleep between EAGAIN retries. Split
 * from ./byte-source.ts, whose byte window does not depend on how the descriptor was obtained.
 */
import { constants as fsConstants, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';

let sleepCell: Int32Array | undefined;

/** Blocks the thread for `ms` without spinning (Atomics.wait is allowed on Node's main thread). */
export function sleepMs(ms: number): void {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * A non-blocking descriptor reading the same pipe as `fd`, or -1. A pipe or FIFO is reopened
 * through `/proc/self/fd/N` with O_NONBLOCK (Linux): a new open file description, so the
 * descriptor the process inherited keeps its mode. A socket (what Node and many supervisors
 * give a child as its standard input) cannot be reopened: its own description is made
 * non-blocking through libuv (a `net.Socket` that never reads; Node restores the mode of
 * standard input at exit), and `fd` itself is returned.
 */
export function nonBlockingReader(fd: number): number {
  try {
    return openSync(`/proc/self/fd/${fd}`, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch {
    // not Linux, or not a pipe
  }
  try {
    if (!fstatSync(fd).isSocket()) return -1;
    new Socket({ fd, readable: false, writable: false }).unref();
    return fd;
  } catch {
    return -1;
  }
}
