/**
 * The state every MSRP framer carries between pushes (RFC 4975 section 7.1 frames): the
 * counters, the options' caps, the fields of the SYNC, HEAD and BODY states and the loop that
 * dispatches bytes to the current state. The states themselves are ./msrp-framer-head.ts (SYNC
 * and HEAD, the frame's end) and ./msrp-framer-body.ts (BODY); one object at run time (the
 * subclass), so the per-byte paths pay nothing for the split.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import type { MsrpFrameSink } from './msrp-frame.js';
import { END_NEEDLE } from './msrp-end-line.js';
import { MsrpHeadScratch } from './msrp-head-scratch.js';
import type { MsrpFramerOptions, MsrpFramerStats } from './msrp-framer-options.js';

export const ST_SYNC = 0;
export const ST_HEAD = 1;
export const ST_BODY = 2;

export const NO_BYTES = new Uint8Array(0);

/**
 * The framer's fields and state dispatch; {@link MsrpFramerHead} adds SYNC and HEAD,
 * MsrpFramerBody (./msrp-framer-body.ts) the body. Not re-entrant (see there).
 */
export abstract class MsrpFramerState {
  readonly stats: MsrpFramerStats = { framesComplete: 0, framesCut: 0, headsDropped: 0, bytesSkipped: 0, bytesIn: 0 };

  protected readonly maxHeaderBytes: number;
  protected readonly maxBodyBytes: number;

  protected state = ST_SYNC;
  // --- SYNC ---
  protected atLineStart = true;
  protected afterGap: boolean;
  protected syncMatched = 0;
  protected skipped = 0;
  // --- HEAD ---
  /**
   * Holds a head that spans pushes. Allocated at the first such head (most directions that get
   * a framer never carry one).
   */
  protected headBuf: Uint8Array = NO_BYTES;
  /**
   * The bytes of the head in progress are `hb[hbase, hbase + headLen)`: in the push itself while
   * the head started in it (no copy: most heads arrive whole in one segment), else in headBuf
   * (hbase 0), where a head is moved when a push ends inside it.
   */
  protected hb: Uint8Array = NO_BYTES;
  protected hbase = 0;
  protected headLen = 0;
  protected lineStart = 0;
  protected startParsed = false;
  /** Where the header lines start in headBuf (after the start line). */
  protected headersStart = 0;
  /** The header lines of the frame emitted last (ISO-8859-1, each with its line end), until it ends. */
  protected headerBlock = '';
  /** The direction's cached paths (./parse-msrp-header-block.ts). */
  protected readonly headScratch = new MsrpHeadScratch();
  protected bareLfReported = false;
  protected kind: 'request' | 'response' = 'request';
  protected method: string | null = null;
  protected statusCode: number | null = null;
  protected comment: string | null = null;
  protected tid = '';
  // --- BODY ---
  /** Candidate line held from the previous push (see classify-body-line.ts), and the stitch buffer. */
  protected held: Uint8Array = NO_BYTES;
  protected scratch: Uint8Array = NO_BYTES;
  /** Most body bytes the Byte-Range allows (Infinity: range-end "*" or no Byte-Range). */
  protected bodyLimit = Infinity;
  protected ownNeedleBuf: Uint8Array = END_NEEDLE;
  protected ownNeedleStore: Uint8Array = NO_BYTES;
  protected ownNeedleTid = '';
  protected tidNeedle: Buffer = END_NEEDLE;
  protected tidNeedleTid = '';
  protected heldLen = 0;
  /** Leading bytes of `held` that are the blank line, not body. */
  protected heldVirtual = 0;
  protected bodyBytes = 0;
  // --- frame ---
  protected frameBytes = 0;
  protected firstFrameNo = 0;
  protected firstTsSec = 0;
  protected firstTsNsec = 0;
  // --- current push ---
  protected curFrameNo = 0;
  protected curTsSec = 0;
  protected curTsNsec = 0;

  /**
   * @param sink receives frames (see {@link MsrpFrameSink} for view lifetimes).
   * @param anomalies receives `msrp.*` framing anomalies.
   */
  constructor(
    protected readonly sink: MsrpFrameSink,
    protected readonly anomalies?: AnomalySink,
    options: MsrpFramerOptions = {},
  ) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.afterGap = options.midStream ?? false;
  }

  /**
   * True between frames with nothing pending: the last frame has ended and no byte after it has
   * been seen (no partial "MSRP " start, no head or body in progress, no skipped bytes). A
   * consumer that stops feeding bytes here cuts no frame: the flow bypass is honoured only at
   * such a point (src/analyzers/app-stream-consumer.ts).
   */
  /**
   * The header lines of the frame in progress (ISO-8859-1, without CRLF), once its head has been
   * emitted; valid until the frame ends, so inside `onFrameEnd` they are the ending frame's (the
   * bypass watch reads its paths). Made on each call (rare: a bypass request).
   */
  get frameHeaderLines(): readonly string[] {
    const b = this.headerBlock;
    const lines: string[] = [];
    for (let ls = 0; ls < b.length; ) {
      const lf = b.indexOf('\n', ls);
      let le = lf;
      if (le > ls && b.charCodeAt(le - 1) === 0x0d) le--;
      lines.push(b.slice(ls, le));
      ls = lf + 1;
    }
    return lines;
  }

  get atFrameBoundary(): boolean {
    return this.state === ST_SYNC && this.atLineStart && this.syncMatched === 0 && this.skipped === 0 && !this.afterGap;
  }

  /** Runs the state machine over `data` (a push, or held bytes handed to the next frame). */
  protected run(data: Uint8Array): void {
    const n = data.length;
    let pos = 0;
    while (pos < n) {
      if (this.state === ST_SYNC) pos = this.sync(data, pos);
      else if (this.state === ST_HEAD) pos = this.head(data, pos);
      else pos = this.body(data, pos);
    }
  }

  /** SYNC: finds "MSRP " at a line start from `pos`; returns where it stopped (./msrp-framer-head.ts). */
  protected abstract sync(data: Uint8Array, pos: number): number;

  /** HEAD: reads the start line and headers from `pos`; returns where it stopped (./msrp-framer-head.ts). */
  protected abstract head(data: Uint8Array, pos: number): number;

  /** BODY: streams body bytes from `pos`; returns where it stopped (./msrp-framer-body.ts). */
  protected abstract body(data: Uint8Array, pos: number): number;
}
