/**
 * Communication Identity Numbers (TS 102 232-1 5.2.4 `communicationIdentityNumber`, carried by
 * every record): one per intercepted session and task, counted per LIID from 1.
 *
 * Per LIID, not per run: a run-wide counter numbered a task's sessions by how many sessions of
 * OTHER tasks came before, so provisioning another warrant changed this warrant's records. The
 * TS 102 232-1 sequence numbers are kept per (LIID, CIN) stream, so numbering within the LIID is
 * what keeps those streams apart; two tasks sharing a LIID share its counter.
 *
 * The table holds one counter per LIID ever provisioned, capped (`maxLiids`): beyond it the least
 * recently used counter is forgotten (`correlate.cin_counter_evicted`; that LIID starts again at 1).
 */
import type { AnomalySink } from '../core/anomaly.js';

export class CinAllocator {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly anomalies: AnomalySink,
    private readonly maxLiids = 100_000,
  ) {}

  /** The next CIN of `liid` (1, 2, ... wrapping within 1..2^32-1). */
  allocate(liid: string): number {
    let n = this.next.get(liid);
    if (n === undefined) {
      if (this.next.size >= this.maxLiids) {
        const oldest = this.next.keys().next().value as string;
        this.next.delete(oldest);
        this.anomalies.report('correlate.cin_counter_evicted', undefined, `cap=${this.maxLiids}`);
      }
      n = 1;
    } else this.next.delete(liid); // re-inserted below: Map order is then least recently used first
    this.next.set(liid, n >= 0xffff_ffff ? 1 : n + 1);
    return n;
  }
}
