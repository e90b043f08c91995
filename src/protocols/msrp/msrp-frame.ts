/**
 * The events an {@link MsrpFramer} emits for one direction of an MSRP TCP stream: a frame head
 * (start line + headers, RFC 4975 section 7), streamed body pieces, raw wire pieces, and the
 * frame end with its continuation flag.
 *
 * Contract, per frame: exactly one `onFrameStart`, then any number of `onBody` / `onRaw` calls,
 * then exactly one `onFrameEnd`. Bytes a frame never got (a gap, the end of the stream) end the
 * frame with `flag: null`.
 */
import type { MsrpHeaders } from './msrp-headers.js';

/** End-line continuation flag (RFC 4975 section 7.1): complete, more chunks follow, aborted. */
export type MsrpEndFlag = '$' | '+' | '#';

/** Methods defined so far: RFC 4975 (SEND, REPORT), RFC 4976 (AUTH), RFC 7701 (NICKNAME). */
export const MSRP_METHODS = ['SEND', 'REPORT', 'AUTH', 'NICKNAME'] as const;
export type MsrpKnownMethod = (typeof MSRP_METHODS)[number];

/** A parsed frame head. All strings are copies: the object may be kept. */
export interface MsrpFrameHead {
  readonly kind: 'request' | 'response';
  readonly transactionId: string;
  /** Request method as on the wire (upper case), or null for responses. */
  readonly method: string | null;
  /** Response status code (3 digits), or null for requests. */
  readonly statusCode: number | null;
  /** Response comment after the code, or null. */
  readonly comment: string | null;
  readonly headers: MsrpHeaders;
  /** A blank line ended the headers, so body pieces may follow (possibly zero bytes). */
  readonly hasBody: boolean;
  /** Bytes from the start line to the blank line inclusive (or to the end-line CRLF when bodiless). */
  readonly headLength: number;
  /** Capture frame and time of the frame's first byte. */
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

/**
 * Why a frame ended. `body_overrun`: no end-line where the numeric Byte-Range says the body
 * ends; `boundary_in_body`: a start line (or a foreign end-line) inside a body whose end could not
 * be verified. Both cut the frame before bytes that belong to the next one.
 */
export type MsrpFrameEndReason = 'end_line' | 'gap' | 'end_of_stream' | 'body_too_large' | 'body_overrun' | 'boundary_in_body';

/** The end of a frame. */
export interface MsrpFrameEnd {
  /** The end-line flag, or null when the frame was cut (see `reason`). */
  readonly flag: MsrpEndFlag | null;
  readonly reason: MsrpFrameEndReason;
  /** Body bytes delivered through `onBody` (the data before the CRLF that precedes the end-line). */
  readonly bodyLength: number;
  /**
   * Wire bytes of the frame: from the start line to the end-line CRLF inclusive when `flag` is
   * set; the bytes seen before the cut otherwise. Equals the total of the `onRaw` pieces.
   */
  readonly frameLength: number;
  readonly firstFrameNo: number;
  readonly firstTsSec: number;
  readonly firstTsNsec: number;
  /** Capture frame and time of the frame's last byte (or of the cut). */
  readonly lastFrameNo: number;
  readonly lastTsSec: number;
  readonly lastTsNsec: number;
}

/** Bytes skipped while looking for the next start line. */
export interface MsrpResyncInfo {
  readonly skippedBytes: number;
  /** The skipped bytes followed a gap (expected) rather than a parse error. */
  readonly afterGap: boolean;
  /** Capture frame where the skipping ended. */
  readonly frameNo: number;
}

/**
 * Receives a framer's output. `onBody` and `onRaw` pieces are views valid only during the
 * call (they alias the pushed data or the framer's small buffers): copy what you keep. Leave
 * `onRaw` undefined unless you need the exact wire bytes (LI X3 payloads): then it costs nothing.
 */
export interface MsrpFrameSink {
  onFrameStart(head: MsrpFrameHead): void;
  onBody?: ((piece: Uint8Array) => void) | undefined;
  onFrameEnd(end: MsrpFrameEnd): void;
  /** Exact wire bytes of the frame, in order (start line to end-line CRLF). Undefined = not wanted. */
  onRaw?: ((piece: Uint8Array) => void) | undefined;
  onResync?: ((info: MsrpResyncInfo) => void) | undefined;
}
