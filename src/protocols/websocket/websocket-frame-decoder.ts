/**
 * Streaming decoder of one direction of a WebSocket connection (RFC 6455 section 5) after the
 * opening handshake: frame heads with 7/16/64-bit lengths (5.2), masking (5.3: client frames
 * carry a 32-bit key, each payload byte i is XORed with key[i mod 4]), fragmented messages with
 * control frames between their fragments (5.4), Close (5.5.1), and per-message compression
 * (RFC 7692: RSV1 on a message's first frame).
 *
 * ```
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *  | |1|2|3|       |K|             |                               |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |     Masking-key (0 or 4 bytes, if MASK set) | Payload Data ...  |
 * ```
 *
 * Data messages are collected (or streamed) by ./websocket-message-collector.ts within a cap and
 * the shared memory budget. Packet content never throws. A gap loses the frame boundaries: the
 * direction is then reported and no longer decoded (it is not guessed).
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { WebSocketMask } from './websocket-mask.js';
import { WebSocketMessageCollector, type WebSocketMessageSink } from './websocket-message-collector.js';
import type { WebSocketMemoryBudget } from './websocket-memory-budget.js';

export interface WebSocketFrameDecoderOptions {
  readonly sink: WebSocketMessageSink;
  readonly anomalies?: AnomalySink;
  /** This direction is client → server (frames must be masked, RFC 6455 5.1). */
  readonly fromClient: boolean;
  /** permessage-deflate was negotiated; `contextTakeover` for this direction's sender. */
  readonly deflate?: { readonly contextTakeover: boolean } | null;
  /** Cap on one message (compressed, and inflated), bytes. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** Byte budget shared by all WebSocket directions for the messages they collect. */
  readonly budget?: WebSocketMemoryBudget;
}

export const DEFAULT_MAX_WS_MESSAGE_BYTES = 1 << 20;

const S_HEAD = 0;
const S_PAYLOAD = 1;
const S_CLOSED = 2;
const S_DEAD = 3;

const OP_CONT = 0;
const OP_TEXT = 1;
const OP_BINARY = 2;
const OP_CLOSE = 8;

/** What the current frame's payload goes to. */
const INTO_DATA = 0;
const INTO_CONTROL = 1;
const INTO_NOTHING = 2;

export class WebSocketFrameDecoder {
  private readonly sink: WebSocketMessageSink;
  private readonly anomalies: AnomalySink | undefined;
  private readonly fromClient: boolean;
  private readonly data: WebSocketMessageCollector;

  private state = S_HEAD;
  /** Frame head bytes collected so far (at most 14). */
  private readonly head = new Uint8Array(14);
  private headLen = 0;
  // --- current frame ---
  private opcode = 0;
  private fin = false;
  private left = 0;
  private readonly mask = new WebSocketMask();
  private into = INTO_NOTHING;
  private readonly control = new Uint8Array(125);
  private controlLen = 0;
  private maskReported = false;
  closeCode: number | null = null;

  constructor(o: WebSocketFrameDecoderOptions) {
    this.sink = o.sink;
    this.anomalies = o.anomalies;
    this.fromClient = o.fromClient;
    this.data = new WebSocketMessageCollector(o.sink, o.anomalies, o.maxMessageBytes ?? DEFAULT_MAX_WS_MESSAGE_BYTES, o.deflate, o.budget);
  }

  /** True once a Close frame was seen in this direction. */
  get closed(): boolean {
    return this.state === S_CLOSED;
  }
  /** Data messages handed on. */
  get messages(): number {
    return this.data.messages;
  }
  /** Data messages lost. */
  get lostMessages(): number {
    return this.data.lostMessages;
  }

  /** Bytes of the direction, in order. `data` is only read during the call. */
  push(data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void {
    let i = 0;
    const n = data.length;
    while (i < n) {
      if (this.state === S_HEAD) {
        const need = this.headNeed();
        const take = Math.min(need - this.headLen, n - i);
        this.head.set(data.subarray(i, i + take), this.headLen);
        this.headLen += take;
        i += take;
        if (this.headLen === this.headNeed()) this.startFrame(frameNo, tsSec, tsNsec);
      } else if (this.state === S_PAYLOAD) {
        const take = Math.min(this.left, n - i);
        this.payload(data, i, take, frameNo, tsSec, tsNsec);
        i += take;
        this.left -= take;
        if (this.left === 0) this.endFrame(frameNo, tsSec, tsNsec);
      } else if (this.state === S_CLOSED) {
        this.anomalies?.report('websocket.data_after_close', frameNo, `bytes=${n - i}`);
        this.state = S_DEAD;
        return;
      } else {
        return;
      }
    }
  }

  /** `length` bytes were never captured here: frame boundaries are lost (reported, not guessed). */
  gap(length: number, frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.state === S_DEAD || this.state === S_CLOSED) return;
    this.anomalies?.report('websocket.gap', frameNo, `gap=${length}`);
    this.die(frameNo, tsSec, tsNsec);
  }

  /** No more bytes: a message still in progress is lost. */
  end(frameNo: number, tsSec: number, tsNsec: number): void {
    this.data.end(frameNo, tsSec, tsNsec);
    if (this.state !== S_CLOSED) this.state = S_DEAD;
  }

  /** Head length implied by the bytes collected so far (2 until the second byte is known). */
  private headNeed(): number {
    if (this.headLen < 2) return 2;
    const b1 = this.head[1]!;
    const len7 = b1 & 0x7f;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
  }

  private startFrame(frameNo: number, tsSec: number, tsNsec: number): void {
    const h = this.head;
    const b0 = h[0]!;
    const b1 = h[1]!;
    this.headLen = 0;
    this.fin = (b0 & 0x80) !== 0;
    const rsv = (b0 >> 4) & 0x7;
    this.opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    let p = 2;
    let len = b1 & 0x7f;
    if (len === 126) {
      len = (h[2]! << 8) | h[3]!;
      p = 4;
    } else if (len === 127) {
      // RFC 6455 5.2: the most significant bit MUST be 0. Above 2^53 a Number cannot count it.
      if (h[2]! & 0x80 || h[2]! !== 0 || h[3]! > 0x1f) {
        this.anomalies?.report('websocket.bad_length', frameNo);
        this.die(frameNo, tsSec, tsNsec);
        return;
      }
      len = ((h[3]! << 16) | (h[4]! << 8) | h[5]!) * 2 ** 32 + ((h[6]! << 24) >>> 0) + ((h[7]! << 16) | (h[8]! << 8) | h[9]!);
      p = 10;
    }
    this.mask.start(masked, h, p);
    this.left = len;
    if (masked !== this.fromClient && !this.maskReported) {
      this.maskReported = true;
      this.anomalies?.report('websocket.mask_violation', frameNo, `fromClient=${this.fromClient}`);
    }
    this.into = this.route(rsv, len, frameNo, tsSec, tsNsec);
    this.state = S_PAYLOAD;
    if (len === 0) this.endFrame(frameNo, tsSec, tsNsec);
  }

  /** Decides where this frame's payload goes (RFC 6455 5.4, 5.5; RFC 7692 6). */
  private route(rsv: number, len: number, frameNo: number, tsSec: number, tsNsec: number): number {
    const op = this.opcode;
    if (op >= 8) {
      if (op > 10) {
        this.anomalies?.report('websocket.bad_opcode', frameNo, `opcode=${op}`);
        return INTO_NOTHING;
      }
      // Control frames: not fragmented, payload ≤ 125 (5.5), never compressed (RFC 7692 6.1).
      if (!this.fin || len > 125 || rsv !== 0) {
        this.anomalies?.report('websocket.bad_control_frame', frameNo, `opcode=${op} len=${len}`);
        return INTO_NOTHING;
      }
      this.controlLen = 0;
      return INTO_CONTROL;
    }
    if (op !== OP_CONT && op !== OP_TEXT && op !== OP_BINARY) {
      this.anomalies?.report('websocket.bad_opcode', frameNo, `opcode=${op}`);
      this.data.cut(frameNo, tsSec, tsNsec);
      return INTO_NOTHING;
    }
    if (op === OP_CONT) {
      if (!this.data.inMessage) {
        this.anomalies?.report('websocket.bad_fragmentation', frameNo, `continuation len=${len}`);
        this.data.lostFragment(len, frameNo, tsSec, tsNsec);
        return INTO_NOTHING;
      }
      this.data.continueWith(rsv, frameNo);
    } else {
      if (this.data.inMessage) {
        this.anomalies?.report('websocket.bad_fragmentation', frameNo, 'new message before FIN');
        this.data.cut(frameNo, tsSec, tsNsec);
      }
      this.data.begin(op === OP_BINARY, rsv, frameNo);
    }
    return this.data.frame(len, frameNo, tsSec) ? INTO_DATA : INTO_NOTHING;
  }

  private payload(data: Uint8Array, i: number, take: number, frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.into === INTO_NOTHING) {
      this.mask.skip(take);
      return;
    }
    if (this.into === INTO_DATA) {
      this.data.add(data, i, take, this.mask, frameNo, tsSec, tsNsec);
      return;
    }
    this.control.set(data.subarray(i, i + take), this.controlLen);
    this.mask.apply(this.control, this.controlLen, take);
    this.controlLen += take;
  }

  private endFrame(frameNo: number, tsSec: number, tsNsec: number): void {
    this.state = S_HEAD;
    if (this.into === INTO_CONTROL) {
      if (this.opcode === OP_CLOSE) {
        // RFC 6455 5.5.1: an optional 2-byte status code first. Nothing is decoded after it.
        this.closeCode = this.controlLen >= 2 ? (this.control[0]! << 8) | this.control[1]! : null;
        this.data.cut(frameNo, tsSec, tsNsec);
        this.state = S_CLOSED;
      }
      return;
    }
    if (this.opcode >= 8 || !this.data.inMessage || !this.fin) return;
    this.data.finish(frameNo, tsSec, tsNsec);
  }

  private die(frameNo: number, tsSec: number, tsNsec: number): void {
    this.data.end(frameNo, tsSec, tsNsec);
    this.state = S_DEAD;
    this.sink.lost(0, frameNo, tsSec, tsNsec);
  }
}
