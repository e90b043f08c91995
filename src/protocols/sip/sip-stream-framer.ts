/**
 * SIP over a reassembled TCP (or TLS-decrypted) byte stream (RFC 3261 18.3): cuts the stream
 * into messages by Content-Length, skips keep-alives (RFC 5626 4.4.1 double-CRLF ping and CRLF
 * pong), survives garbage and gaps by scanning for the next start line, and bounds what it
 * buffers.
 *
 * ```
 *   push()                        buf (private copy of the unconsumed tail)
 *   ──────►  [ CRLF | msg 1 | msg 2 | msg 3 (partial) ]      msgs 1, 2 emitted,
 *                                 └─ kept: ≤ maxMessageBytes ─┘   msg 3 waits for more bytes
 * ```
 *
 * Modes: SYNC (at a message boundary or inside a message), RESYNC (looking for a line that is
 * a SIP start line, {@link SipResyncScanner}; counts skipped bytes, reported once as
 * `sip.stream_resync` when found or at end()), DISCARD (skipping the rest of a message of known length hit by a gap; the boundary
 * after it is known, so no scanning is needed), EXCERPT (a message larger than the cap, or whose
 * headers do not end within it: a {@link SipExcerptCollector} keeps its start line, identity and
 * dialog headers and SDP as the bytes go by, the framer skips the rest by Content-Length and
 * emits the excerpt; `sip.message_too_large` says so). A cap limits what is kept of a message,
 * never whether its parties and SDP are seen.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { createSipFrameResult, frameSipMessage, SipFrameStatus } from './frame-sip-message.js';
import { parseSipMessage } from './parse-sip-message.js';
import type { FramedSipMessage } from './framed-sip-message.js';
import type { SipMessage } from './sip-message.js';
import { SipExcerptCollector } from './sip-excerpt-collector.js';
import { SipFrameStamps } from './sip-frame-stamps.js';
import { SipResyncScanner } from './sip-resync-scanner.js';

export type { FramedSipMessage } from './framed-sip-message.js';

export interface SipStreamFramerOptions {
  readonly sink: AnomalySink;
  /** Called synchronously from push() for each complete message, in stream order. */
  readonly onMessage: (m: FramedSipMessage) => void;
  /**
   * Largest message (headers + body) buffered whole, and so the most this framer buffers beyond
   * one pushed segment; larger messages are cut to an excerpt. Default 1 MiB.
   */
  readonly maxMessageBytes?: number;
}

/** Default cap on one message, and so on the bytes buffered per stream direction. */
export const DEFAULT_MAX_SIP_MESSAGE_BYTES = 1 << 20;

const SYNC = 0;
const RESYNC = 1;
const DISCARD = 2;
const EXCERPT = 3;
/** Buffers above this capacity are released when they empty (idle streams hold no memory). */
const KEEP_CAPACITY = 64 * 1024;

/**
 * One direction of one SIP stream. Feed it with push() in stream order and gap() for bytes that
 * were never captured; end() when the stream closes.
 */
export class SipStreamFramer {
  private readonly sink: AnomalySink;
  private readonly onMessage: (m: FramedSipMessage) => void;
  private readonly cap: number;
  private readonly r = createSipFrameResult();

  private buf = new Uint8Array(0);
  /** Buffered (unconsumed) bytes are buf[0, len). */
  private len = 0;
  /** Stream offset of the first unconsumed byte. */
  private streamPos = 0;
  private mode = SYNC;
  private discardLeft = 0;
  /** SYNC: progress of the header-end search of the pending message. */
  private scanned = 0;
  /** SYNC: total length of the pending message when its headers are complete, else -1. */
  private pendingTotal = -1;
  /** The frames the pending message came from. */
  private readonly stamps = new SipFrameStamps();
  /** RESYNC: the line scan and its episode's counts. */
  private readonly resync: SipResyncScanner;

  private nMessages = 0;
  private nSkipped = 0;
  /** EXCERPT: the message being cut, and the stream offset of its first byte. */
  private excerpt: SipExcerptCollector | null = null;
  private excerptOffset = 0;

  constructor(options: SipStreamFramerOptions) {
    this.sink = options.sink;
    this.onMessage = options.onMessage;
    this.cap = Math.max(1024, options.maxMessageBytes ?? DEFAULT_MAX_SIP_MESSAGE_BYTES);
    this.resync = new SipResyncScanner(this.sink, this.stamps);
  }

  /** Bytes held for an incomplete message or line (≤ maxMessageBytes between calls). */
  get bufferedBytes(): number {
    return this.len;
  }
  /** Messages emitted so far. */
  get messages(): number {
    return this.nMessages;
  }
  /** Bytes skipped so far (garbage, oversized or damaged messages; gaps not included). */
  get skippedBytes(): number {
    return this.nSkipped;
  }

  /**
   * Feeds the next bytes of the stream. `bytes` is only read during the call (the framer copies
   * what it keeps). Emits every message completed by these bytes.
   */
  push(bytes: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    if (bytes.length === 0) return;
    this.stamps.current(frameNo, tsSec, tsNsec);
    if (this.len === 0) {
      // Zero-copy path: frame straight from the caller's bytes, copy only the leftover tail.
      const base = this.streamPos;
      const pos = this.drain(bytes, bytes.length, base);
      this.streamPos = base + pos;
      const rest = bytes.length - pos;
      if (rest > 0) {
        this.reserve(rest);
        this.buf.set(bytes.subarray(pos), 0);
        this.len = rest;
      }
    } else {
      this.reserve(this.len + bytes.length);
      this.buf.set(bytes, this.len);
      this.len += bytes.length;
      const base = this.streamPos;
      const pos = this.drain(this.buf, this.len, base);
      this.streamPos = base + pos;
      if (pos > 0) {
        this.buf.copyWithin(0, pos, this.len);
        this.len -= pos;
      }
    }
    if (this.len === 0 && this.buf.length > KEEP_CAPACITY) this.buf = new Uint8Array(0);
  }

  /**
   * `length` bytes of the stream were never captured (reported by the reassembler). A gap inside
   * a message whose length is known drops that message and skips to its end; otherwise the
   * framer resynchronises on the next start line.
   */
  gap(length: number, frameNo?: number): void {
    if (!(length > 0)) return;
    const f = frameNo ?? this.stamps.curFrameNo;
    if (this.mode === EXCERPT) {
      const x = this.excerpt!;
      this.sink.report('sip.gap_in_message', f, `excerpt=1 gap=${length}`);
      if (x.headersComplete) {
        // Lost body bytes (and a partial line held before them): the headers are intact, the
        // excerpt is still worth emitting. What lies beyond the message's end is a plain gap.
        const total = this.len + length;
        this.len = 0;
        const inBody = x.skip(total);
        this.streamPos += inBody;
        length = total - inBody;
        if (x.done) this.finishExcerpt(f);
        if (length === 0) return;
      } else {
        this.nSkipped += x.consumed + this.len;
        this.streamPos += this.len;
        this.len = 0;
        this.excerpt = null;
        this.resetPending();
      }
      this.enterResync(true);
    } else if (this.mode === DISCARD) {
      if (length <= this.discardLeft) {
        this.discardLeft -= length;
        if (this.discardLeft === 0) this.mode = SYNC;
        this.streamPos += length;
        return;
      }
      length -= this.discardLeft;
      this.streamPos += this.discardLeft;
      this.discardLeft = 0;
      this.enterResync(true);
    } else if (this.mode === SYNC) {
      if (this.len > 0) {
        this.sink.report('sip.gap_in_message', f, `buffered=${this.len} gap=${length}`);
        this.nSkipped += this.len;
        this.streamPos += this.len;
        const total = this.pendingTotal;
        const left = total - this.len - length;
        this.len = 0;
        this.resetPending();
        if (total >= 0 && left >= 0) {
          // The gap ends inside the damaged message: its end is still known.
          this.streamPos += length;
          if (left > 0) {
            this.mode = DISCARD;
            this.discardLeft = left;
          }
          return;
        }
      }
      this.enterResync(true);
    } else {
      // RESYNC: a partial line before the gap is useless now.
      this.resync.skipped += this.len;
      this.streamPos += this.len;
      this.len = 0;
      this.resync.atLineStart = true;
      this.stamps.hasFirst = false;
    }
    this.resync.gapBytes += length;
    this.streamPos += length;
  }

  /** The stream ended: reports a partial message or an unfinished resync, then resets. */
  end(frameNo?: number): void {
    const f = frameNo ?? this.stamps.curFrameNo;
    if (this.mode === SYNC && this.len > 0) this.sink.report('sip.stream_truncated', f, `buffered=${this.len}`);
    if (this.mode === DISCARD && this.discardLeft > 0) this.sink.report('sip.stream_truncated', f, `missing=${this.discardLeft}`);
    if (this.mode === EXCERPT) {
      const x = this.excerpt!;
      this.sink.report('sip.stream_truncated', f, `excerpt=1 missing=${x.bodyRemaining}`);
      // The headers are complete: the parties and dialog are known even if the body is cut.
      if (x.headersComplete) this.finishExcerpt(f);
      this.excerpt = null;
    }
    if (this.mode === RESYNC) {
      this.resync.skipped += this.len;
      this.nSkipped += this.resync.report(f);
    }
    this.streamPos += this.len;
    this.len = 0;
    this.buf = new Uint8Array(0);
    this.mode = SYNC;
    this.discardLeft = 0;
    this.resetPending();
  }

  private reserve(n: number): void {
    if (n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(n, this.buf.length * 2, 4096));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private resetPending(): void {
    this.scanned = 0;
    this.pendingTotal = -1;
    this.stamps.hasFirst = false;
  }

  private enterResync(afterGap: boolean): void {
    this.mode = RESYNC;
    this.resync.atLineStart = afterGap; // after a gap, segments often start with a message
    this.resetPending();
  }

  /**
   * Consumes `d[0, end)` (whose first byte is at stream offset `base`); returns how many bytes
   * were consumed. The rest is an incomplete message or line the caller keeps.
   */
  private drain(d: Uint8Array, end: number, base: number): number {
    let pos = 0;
    const r = this.r;
    while (pos < end) {
      if (this.mode === DISCARD) {
        const n = Math.min(this.discardLeft, end - pos);
        pos += n;
        this.discardLeft -= n;
        this.nSkipped += n;
        if (this.discardLeft === 0) this.mode = SYNC;
        continue;
      }
      if (this.mode === RESYNC) {
        pos = this.resync.scan(d, pos, end);
        if (!this.resync.found) break; // waiting for the rest of a line
        this.mode = SYNC;
        this.nSkipped += this.resync.report(this.stamps.curFrameNo);
        continue;
      }
      if (this.mode === EXCERPT) {
        const x = this.excerpt!;
        pos = x.feed(d, pos, end);
        if (!x.done) break; // the rest is a line the collector must see whole, or nothing
        this.finishExcerpt(this.stamps.curFrameNo);
        continue;
      }
      if (!this.stamps.hasFirst) {
        // Between messages: CRLF keep-alives (RFC 5626 4.4.1) are not part of any message.
        while (pos < end && (d[pos] === 0x0d || d[pos] === 0x0a)) pos++;
        if (pos >= end) break;
      }
      frameSipMessage(d, pos, end, this.scanned, r);
      if (r.status === SipFrameStatus.OK && r.length > this.cap) {
        // Whole in this push, but over the cap all the same: the outcome must not depend on segmentation.
        this.sink.report('sip.message_too_large', this.stamps.curFrameNo, `length=${r.length}`);
        this.startExcerpt(base + pos);
        continue;
      }
      if (r.status === SipFrameStatus.OK) {
        this.emit(d, pos, r.length, r.contentLength, base + pos);
        pos += r.length;
        this.resetPending();
        continue;
      }
      if (r.status === SipFrameStatus.INVALID) {
        this.mode = RESYNC;
        this.resync.atLineStart = false; // the current line is not a start line: skip past it
        this.resetPending();
        continue;
      }
      // INCOMPLETE
      this.stamps.markFirst();
      if (r.needed < 0) {
        if (end - pos > this.cap) {
          // No end of headers within the cap: too large to hold, cut it as it goes by.
          this.sink.report('sip.message_too_large', this.stamps.curFrameNo, `headers>${this.cap}`);
          this.startExcerpt(base + pos);
          continue;
        }
        this.scanned = r.scanned;
        break;
      }
      if (r.needed > this.cap) {
        this.sink.report('sip.message_too_large', this.stamps.curFrameNo, `length=${r.needed}`);
        this.startExcerpt(base + pos);
        continue;
      }
      this.scanned = r.scanned;
      this.pendingTotal = r.needed;
      break;
    }
    return pos;
  }

  private startExcerpt(streamOffset: number): void {
    this.mode = EXCERPT;
    this.excerpt = new SipExcerptCollector(this.sink, this.cap, () => this.stamps.curFrameNo);
    this.excerptOffset = streamOffset;
    this.scanned = 0;
    this.pendingTotal = -1;
  }

  /** Emits the excerpt (the message as far as kept) and returns to SYNC. */
  private finishExcerpt(frameNo: number): void {
    const x = this.excerpt!;
    this.excerpt = null;
    this.mode = SYNC;
    const bytes = x.excerpt();
    this.nSkipped += Math.max(0, x.consumed - bytes.length);
    const message = parseSipMessage(bytes, this.sink, frameNo, { framed: true, excerpt: true });
    if (message !== null) {
      this.nMessages++;
      this.deliver(message, frameNo, this.excerptOffset);
    }
    this.resetPending();
  }

  private emit(d: Uint8Array, pos: number, length: number, contentLength: number, streamOffset: number): void {
    const frameNo = this.stamps.curFrameNo;
    // RFC 3261 18.3: Content-Length is mandatory on stream transports.
    if (contentLength === -1) this.sink.report('sip.missing_content_length', frameNo);
    const copy = d.slice(pos, pos + length);
    const message = parseSipMessage(copy, this.sink, frameNo, { framed: true });
    if (message === null) return;
    this.nMessages++;
    this.deliver(message, frameNo, streamOffset);
  }

  private deliver(message: SipMessage, frameNo: number, streamOffset: number): void {
    this.onMessage(this.stamps.framed(message, frameNo, streamOffset));
  }
}
