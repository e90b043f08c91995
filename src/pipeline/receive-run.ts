/**
 * `msrptap receive` as one function: the X2/X3 receiver (./x2x3-receiver.ts) listening until
 * SIGINT/SIGTERM, then closed (stored PDUs fsynced) with its counters logged.
 */
import { ConfigError, isConfigError, isIoError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { loadTlsMaterial } from '../deliver/tls-material.js';
import { X2X3Receiver } from './x2x3-receiver.js';

export interface ReceiveRunOptions {
  host: string;
  port: number;
  outDir: string;
  /** Mutual TLS (all three PEM files), or none for plain TCP. */
  tls?: { cert: string; key: string; ca: string };
}

/** Listens, calls `onListening` with the bound port (port 0 = any free one), runs until a stop signal. */
export async function receiveRun(o: ReceiveRunOptions, log: Logger, onListening: (host: string, port: number) => void): Promise<void> {
  const tls = o.tls !== undefined ? loadTlsMaterial(o.tls, 'receive') : null;
  const rx = new X2X3Receiver({ host: o.host, port: o.port, tls, outDir: o.outDir, log: (level, event, fields, msg) => log.log(level, event, fields, msg) });
  try {
    await rx.listen();
  } catch (e) {
    // Damaged state in the output folder (src/deliver/received-pdu-store.ts) says so itself.
    if (isConfigError(e) || isIoError(e)) throw e;
    throw new ConfigError(`cannot listen on ${o.host}:${o.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'choose a free port / an address of this machine');
  }
  onListening(o.host, rx.port);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await rx.close();
  log.log('info', 'receiver.stopped', { ...rx.counters });
}
