/**
 * Frames a byte stream of back-to-back X2/X3 PDUs (a TCP/TLS connection or a record file) into
 * PDUs, as OpenLI parse_received_x2x3_msg and sipgate X2X3Decoder do: a PDU is complete when
 * headerLength + payloadLength bytes are there.
 *
 * Bounded buffering: at most one incomplete PDU is held, and its declared size is checked
 * against the caps as soon as its first 12 bytes are known. A length-framed stream cannot be
 * resynchronised after a framing error, so the framer then fails permanently: it keeps
 * returning that error and drops further input.
 *
 * ```
 *  buf: [ consumed | pending (incomplete PDU) | free ]
 *                  ^start                     ^tail
 * ```
 */
import { decodeFail, type RecordDecodeError } from '../common/decode-error.js';
import { DEFAULT_MAX_HEADER_LENGTH, DEFAULT_MAX_PAYLOAD_LENGTH, decodeX2X3Pdu, peekX2X3Lengths, type X2X3DecodeOptions } from './decode-x2x3-pdu.js';
import { u16be } from '../../util/bytes.js';
import { PduType, X2X3_FIXED_HEADER_LENGTH, X2X3_VERSION } from './x2x3-constants.js';
import type { X2X3Pdu } from './x2x3-pdu.js';

export interface X2X3FramerResult {
  /** PDUs completed by this push. They own their bytes (copies), unlike decodeX2X3Pdu views. */
  readonly pdus: X2X3Pdu[];
  /** Stream offset of the first byte of each PDU in `pdus`. */
  readonly offsets: number[];
  /** Set once the stream is broken; offsets are relative to the start of the stream. */
  readonly error?: RecordDecodeError;
}

export class X2X3Framer {
  private buf = new Uint8Array(0);
  private start = 0;
  private tail = 0;
  /** Stream offset of buf[start]. */
  private streamOffset = 0;
  private failed: RecordDecodeError | undefined;
  private readonly maxHeader: number;
  private readonly maxPayload: number;

  constructor(private readonly opts: X2X3DecodeOptions = {}) {
    this.maxHeader = opts.maxHeaderLength ?? DEFAULT_MAX_HEADER_LENGTH;
    this.maxPayload = opts.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD_LENGTH;
  }

  /** Bytes held for an incomplete PDU (bounded by the caps plus one chunk). */
  get buffered(): number {
    return this.tail - this.start;
  }

  /** The permanent error, if the stream broke. */
  get error(): RecordDecodeError | undefined {
    return this.failed;
  }

  /** Feeds the next bytes of the stream. */
  push(chunk: Uint8Array): X2X3FramerResult {
    const pdus: X2X3Pdu[] = [];
    const offsets: number[] = [];
    if (this.failed) return { pdus, offsets, error: this.failed };
    this.append(chunk);
    for (;;) {
      const pending = this.buf.subarray(this.start, this.tail);
      // Reject a wrong version or PDU type as soon as 4 bytes are there, not after buffering the PDU.
      if (pending.length >= 4 && (u16be(pending, 0) !== X2X3_VERSION || u16be(pending, 2) < PduType.X2 || u16be(pending, 2) > PduType.KEEPALIVE_ACK)) {
        return u16be(pending, 0) !== X2X3_VERSION ? this.fail(pdus, offsets, 'bad_version', 0, 'version 00 05') : this.fail(pdus, offsets, 'bad_pdu_type', 2, 'PDU type 1..4');
      }
      const lens = peekX2X3Lengths(pending);
      if (lens === undefined) break;
      // Validate the declared size before waiting for it, so a bogus length cannot make us buffer gigabytes.
      if (lens.headerLength < X2X3_FIXED_HEADER_LENGTH || lens.headerLength > this.maxHeader || lens.payloadLength > this.maxPayload) {
        if (pending.length >= X2X3_FIXED_HEADER_LENGTH) {
          const r = decodeX2X3Pdu(pending, 0, this.opts);
          if (!r.ok) return this.fail(pdus, offsets, r.error.code, r.error.offset, r.error.expected);
        }
        if (lens.headerLength < X2X3_FIXED_HEADER_LENGTH) return this.fail(pdus, offsets, 'bad_header_length', 4, 'header length >= 40');
        if (lens.headerLength > this.maxHeader) return this.fail(pdus, offsets, 'too_large', 4, `header length <= ${this.maxHeader}`);
        return this.fail(pdus, offsets, 'too_large', 8, `payload length <= ${this.maxPayload}`);
      }
      const total = lens.headerLength + lens.payloadLength;
      if (pending.length < total) break;
      // One copy per PDU: the result must survive buffer compaction.
      const r = decodeX2X3Pdu(pending.slice(0, total), 0, this.opts);
      if (!r.ok) return this.fail(pdus, offsets, r.error.code, r.error.offset, r.error.expected);
      pdus.push(r.value.pdu);
      offsets.push(this.streamOffset);
      this.start += total;
      this.streamOffset += total;
    }
    if (this.start === this.tail) {
      this.start = 0;
      this.tail = 0;
    }
    return { pdus, offsets };
  }

  /**
   * Ends the stream. Returns a `truncated` error when an incomplete PDU is left over (the record
   * file or connection was cut), or the permanent error.
   */
  end(): RecordDecodeError | undefined {
    if (this.failed) return this.failed;
    if (this.tail > this.start) {
      const r = decodeFail('truncated', this.streamOffset + (this.tail - this.start), 'the rest of the PDU');
      return r.ok ? undefined : r.error;
    }
    return undefined;
  }

  private fail(pdus: X2X3Pdu[], offsets: number[], code: RecordDecodeError['code'], rel: number, expected: string): X2X3FramerResult {
    this.failed = { code, offset: this.streamOffset + rel, expected };
    this.buf = new Uint8Array(0);
    this.start = 0;
    this.tail = 0;
    return { pdus, offsets, error: this.failed };
  }

  private append(chunk: Uint8Array): void {
    const pending = this.tail - this.start;
    if (this.tail + chunk.length > this.buf.length) {
      // Compact and grow to what is needed (never more than pending + chunk, rounded up).
      const need = pending + chunk.length;
      const next = need <= this.buf.length ? this.buf : new Uint8Array(Math.max(need, Math.min(this.buf.length * 2, need + 65536)));
      next.set(this.buf.subarray(this.start, this.tail), 0);
      this.buf = next;
      this.start = 0;
      this.tail = pending;
    }
    this.buf.set(chunk, this.tail);
    this.tail += chunk.length;
  }
}
