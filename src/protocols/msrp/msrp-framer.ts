/**
 * Streaming MSRP framer over one direction of a reassembled TCP byte stream (RFC 4975 sections 7
 * and 9):
 *
 *   msrp-request  = req-start headers [content-stuff] end-line
 *   msrp-response = resp-start headers end-line
 *   req-start     = "MSRP" SP transact-id SP method CRLF
 *   resp-start    = "MSRP" SP transact-id SP status-code [SP comment] CRLF
 *   content-stuff = *(Other-Mime-header CRLF) Content-Type 1*(Other-Mime-header CRLF) CRLF data CRLF
 *   end-line      = "-------" transact-id continuation-flag CRLF
 *
 * Memory is bounded whatever the body size: the head (start line + headers) is buffered up to a
 * cap, the body is streamed as views of the pushed data, and only one candidate line (at most
 * MAX_BODY_LINE bytes) is held back when a push ends inside it.
 *
 * Where a body ends, and how candidate end lines are found: ./msrp-framer-body.ts.
 *
 * Resynchronisation: after garbage, a bad start line or a gap, the framer skips to the next
 * line that starts with "MSRP " (a gap position counts as a line start) and reports the bytes
 * skipped.
 */
import { MsrpFramerBody } from './msrp-framer-body.js';
import { NO_BYTES, ST_BODY, ST_HEAD, ST_SYNC } from './msrp-framer-state.js';

export type { MsrpFramerOptions, MsrpFramerStats } from './msrp-framer-options.js';

/**
 * Frames one direction of an MSRP stream. Not re-entrant: call `push`/`gap`/`end` from one place.
 * Sink callbacks run synchronously inside those calls.
 */
export class MsrpFramer extends MsrpFramerBody {
  /**
   * Feeds the next in-order bytes of the stream.
   *
   * @param data bytes; only read during the call (pieces handed to the sink alias it).
   * @param frameNo capture frame that carried the last of these bytes.
   */
  push(data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    this.curFrameNo = frameNo;
    this.curTsSec = tsSec;
    this.curTsNsec = tsNsec;
    this.stats.bytesIn += data.length;
    this.run(data);
  }

  /**
   * Reports `length` bytes lost at this point of the stream (a TCP gap; 0: bytes seen in two
   * different versions, see StreamConsumer.conflict). A frame in progress is lost: its head is
   * dropped, or its body ends with `flag: null`; the framer then resynchronises.
   */
  gap(length: number, frameNo: number, tsSec: number, tsNsec: number): void {
    this.curFrameNo = frameNo;
    this.curTsSec = tsSec;
    this.curTsNsec = tsNsec;
    if (this.state === ST_HEAD) {
      this.anomalies?.report('msrp.frame_lost_in_gap', frameNo, `received=${this.headLen} gap=${length}`);
      this.stats.headsDropped++;
      this.resetHead();
    } else if (this.state === ST_BODY) {
      this.anomalies?.report('msrp.frame_lost_in_gap', frameNo, `received=${this.frameBytes} gap=${length}`);
      this.finish(null, 'gap');
    } else {
      this.skipped += this.syncMatched;
      this.syncMatched = 0;
      this.flushSkipped();
    }
    this.state = ST_SYNC;
    this.atLineStart = true;
    this.afterGap = true;
  }

  /** The stream ended: a frame in progress is reported truncated and ended with `flag: null`. */
  end(): void {
    if (this.state === ST_HEAD) {
      this.anomalies?.report('msrp.truncated_frame', this.curFrameNo, `received=${this.headLen}`);
      this.stats.headsDropped++;
      this.resetHead();
    } else if (this.state === ST_BODY) {
      this.anomalies?.report('msrp.truncated_frame', this.curFrameNo, `received=${this.frameBytes}`);
      this.finish(null, 'end_of_stream');
    }
    this.skipped += this.syncMatched;
    this.syncMatched = 0;
    this.flushSkipped();
    this.state = ST_SYNC;
    this.atLineStart = true;
    this.afterGap = false;
    // Nothing is buffered between frames: give the buffers back (a framer may outlive its
    // stream for a while), they are allocated again if bytes ever follow.
    this.releaseHead();
    this.held = NO_BYTES;
    this.scratch = NO_BYTES;
  }

  /** Bytes of buffers this framer holds (head buffer + end-line tail): bounded by the caps. */
  retainedBytes(): number {
    return this.headBuf.length + this.held.length + this.scratch.length;
  }
}
