/** The MSRP framer's limits and counters (./msrp-framer.ts). */

/** Limits. Defaults suit real traffic; tests lower them. */
export interface MsrpFramerOptions {
  /** Cap on start line + headers, bytes (default 64 KiB). Beyond it: `msrp.headers_too_large`. */
  readonly maxHeaderBytes?: number;
  /** Cap on one frame's body, bytes (default 64 MiB). Beyond it: `msrp.body_too_large`. */
  readonly maxBodyBytes?: number;
  /**
   * The stream is joined in the middle (capture started after the TCP handshake): leading bytes
   * before the first start line are expected and not reported as garbage.
   */
  readonly midStream?: boolean;
}

/** Counters for the audit report. */
export interface MsrpFramerStats {
  /** Frames that ended with an end-line. */
  framesComplete: number;
  /** Frames cut by a gap, the end of the stream or the body cap. */
  framesCut: number;
  /** Heads dropped before they were emitted (bad start line, header cap, gap inside the head). */
  headsDropped: number;
  /** Bytes skipped while resynchronising. */
  bytesSkipped: number;
  /** Bytes pushed. */
  bytesIn: number;
}
