/**
 * The RESYNC mode of a {@link SipStreamFramer}: after garbage or a gap, skips whole lines until
 * one is a SIP start line (RFC 3261 7.1, 18.3), counting the bytes skipped in the episode, which
 * the framer reports once as `sip.stream_resync`.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import type { SipFrameStamps } from './sip-frame-stamps.js';
import { looksLikeSipStartLine, MAX_START_LINE } from './start-line.js';

export class SipResyncScanner {
  /** The next unconsumed byte starts a line. */
  atLineStart = true;
  /** Bytes skipped so far in this episode (gaps excluded). */
  skipped = 0;
  /** Gap bytes in this episode (for the report). */
  gapBytes = 0;
  /** The last scan() stopped at a start line: the framer is back in SYNC. */
  found = false;

  constructor(
    private readonly sink: AnomalySink,
    private readonly stamps: SipFrameStamps,
  ) {}

  /**
   * Reports the episode (if it skipped anything) and starts a new one; returns the bytes it
   * skipped, for the framer's count.
   */
  report(frameNo: number): number {
    const skipped = this.skipped;
    if (skipped > 0) this.sink.report('sip.stream_resync', frameNo, `skipped=${skipped} gap=${this.gapBytes}`);
    this.skipped = 0;
    this.gapBytes = 0;
    return skipped;
  }

  /**
   * Scans `d[pos, end)`; returns where it stopped: at a start line (`found`), at a partial line
   * that may be one (kept by the framer), or at `end`.
   */
  scan(d: Uint8Array, pos: number, end: number): number {
    this.found = false;
    while (pos < end) {
      let lf = d.indexOf(0x0a, pos);
      if (lf >= end) lf = -1;
      if (!this.atLineStart) {
        if (lf < 0) {
          this.skipped += end - pos;
          return end;
        }
        this.skipped += lf + 1 - pos;
        pos = lf + 1;
        this.atLineStart = true;
        continue;
      }
      if (lf < 0) {
        const c = d[pos]!;
        const upper = c >= 0x41 && c <= 0x5a; // strict start lines begin with an upper-case letter
        if (!upper || end - pos > MAX_START_LINE) {
          this.atLineStart = false;
          this.stamps.hasFirst = false;
          continue;
        }
        // Keep the partial line; it may be a start line. Its first byte came with this frame
        // unless it was already kept from an earlier one.
        this.stamps.markFirst();
        return pos;
      }
      if (looksLikeSipStartLine(d, pos, lf, true)) {
        this.found = true;
        return pos;
      }
      this.skipped += lf + 1 - pos;
      this.stamps.hasFirst = false;
      pos = lf + 1;
    }
    return pos;
  }
}
