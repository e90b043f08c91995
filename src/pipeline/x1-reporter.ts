/**
 * Sends NE→ADMF reports (ETSI TS 103 221-1 clause 6.4) to `--x1-admf` over mutual TLS, off the
 * capture path: `enqueue` only appends to a bounded queue; the sends run on the event loop
 * (the offline read returns to it every few ms, a live capture between packets), batch up to
 * BATCH reports per X1Request, and retry with exponential backoff while the ADMF is unreachable
 * or answers with an HTTP error. The queue keeps the newest MAX_QUEUE reports; older ones are
 * dropped with a log line (counts only).
 */
import type { TlsMaterial } from '../deliver/tls-material.js';
import { encodeRequest, type X1ReportItem } from '../x1/x1-request-encoder.js';
import { responseToJson } from '../x1/x1-response-json.js';
import { postX1 } from './x1-client.js';
import type { Logger } from '../core/log.js';

const MAX_QUEUE = 1000;
const BATCH = 16;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

export interface X1ReporterOptions {
  readonly url: string;
  readonly tls: TlsMaterial;
  readonly admfIdentifier: string;
  readonly neIdentifier: string;
  readonly log: Logger;
  readonly retryMinMs?: number;
}

export class X1Reporter {
  private queue: X1ReportItem[] = [];
  private sending = false;
  private closed = false;
  private retryMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Reports acknowledged by the ADMF (HTTP 200), for tests and logs. */
  sent = 0;
  dropped = 0;

  constructor(private readonly o: X1ReporterOptions) {
    this.retryMs = o.retryMinMs ?? RETRY_MIN_MS;
  }

  enqueue(items: readonly X1ReportItem[]): void {
    if (this.closed || items.length === 0) return;
    this.queue.push(...items);
    if (this.queue.length > MAX_QUEUE) {
      const n = this.queue.length - MAX_QUEUE;
      this.queue.splice(0, n);
      this.dropped += n;
      this.o.log.log('warn', 'x1.reports_dropped', { dropped: n });
    }
    for (const r of items) this.o.log.log('info', 'x1.report_queued', { type: r.type, ...('xId' in r ? { xid: r.xId } : {}), ...('dId' in r ? { did: r.dId } : {}) });
    if (!this.sending && this.timer === undefined) void this.pump();
  }

  /** Stops sending; what is queued is dropped (reports describe a running tap). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async pump(): Promise<void> {
    this.sending = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const batch = this.queue.slice(0, BATCH);
        let ok = false;
        try {
          const r = await postX1(this.o.url, encodeRequest(this.o.admfIdentifier, this.o.neIdentifier, batch), this.o.tls, { timeoutMs: 10_000 });
          ok = r.status === 200;
          if (ok) {
            const j = responseToJson(r.body);
            const errors = 'error' in j ? -1 : ((j.value as { x1ResponseMessage?: { type?: string }[] }).x1ResponseMessage ?? []).filter((m) => m.type === 'ErrorResponse').length;
            if (errors !== 0) this.o.log.log('warn', 'x1.reports_refused', { reports: batch.length, errors });
          } else this.o.log.log('warn', 'x1.reports_retry', { status: r.status, retryMs: this.retryMs });
        } catch (e) {
          this.o.log.log('warn', 'x1.reports_retry', { reason: (e as Error).message, retryMs: this.retryMs });
        }
        if (ok) {
          this.queue.splice(0, batch.length);
          this.sent += batch.length;
          this.retryMs = this.o.retryMinMs ?? RETRY_MIN_MS;
          continue;
        }
        // Waits off the event loop's critical path; unref: a pending retry never keeps the tap alive.
        await new Promise<void>((resolve) => {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            resolve();
          }, this.retryMs);
          this.timer.unref();
        });
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      }
    } finally {
      this.sending = false;
    }
  }
}
