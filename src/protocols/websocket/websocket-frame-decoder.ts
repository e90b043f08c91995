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
 * Memory: when the sink takes a stream (`chunk`, MSRP: RFC 7977 5.3), the payloads of uncompressed
 * messages are handed on as they arrive and nothing is held. Otherwise a data message is copied
 * (unmasked) into one buffer up to `maxMessageBytes`, counted against the shared
 * {@link WebSocketMemoryBudget} while it arrives and let go when it ends; larger messages, and
 * messages the budget evicts (earliest first, or idle too long), are skipped by their declared
 * lengths (the decoder stays in step) and reported as lost. Packet content never throws. A gap loses the frame boundaries: the direction is then
 * reported and no longer decoded (it is not guessed).
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { InflateStatus, MessageInflater, WINDOW } from './message-inflater.js';
import type { WebSocketBudgetHolder, WebSocketMemoryBudget } from './websocket-memory-budget.js';

/** Receives the data messages of one direction. */
export interface WebSocketMessageSink {
  /**
   * One whole data message (text or binary; inflated when compressed). `payload` is owned by the
   * callee (a fresh array). Frame and time are those of the message's last frame.
   */
  message(payload: Uint8Array, binary: boolean, frameNo: number, tsSec: number, tsNsec: number): void;
  /** A data message, or the rest of the direction, was not handed on (`bytes`: payload bytes known lost, 0 if unknown). */
  lost(bytes: number, frameNo: number, tsSec: number, tsNsec: number): void;
  /**
   * When present, uncompressed data messages are not collected: their unmasked payload bytes come
   * here as they arrive (`data` valid during the call only), then `message` is called with an
   * empty payload at the message's end. A message cut short still ends with `lost`.
   */
  chunk?(data: Uint8Array, frameNo: number, tsSec: number, tsNsec: number): void;
}

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
const INTO_MESSAGE = 0;
const INTO_CONTROL = 1;
const INTO_NOTHING = 2;
const INTO_STREAM = 3;

const EMPTY = new Uint8Array(0);
/** Unmasking scratch for streamed payloads, shared: the sink copies what it keeps during the call. */
const SCRATCH = new Uint8Array(64 * 1024);

export class WebSocketFrameDecoder implements WebSocketBudgetHolder {
  private readonly sink: WebSocketMessageSink;
  private readonly anomalies: AnomalySink | undefined;
  private readonly fromClient: boolean;
  private readonly cap: number;
  private readonly inflater: MessageInflater | null;
  private readonly budget: WebSocketMemoryBudget | undefined;
  /** Capture second and frame of the last byte added to the message buffer. */
  heldSinceSec = 0;
  private lastFrameNo = 0;
  /** Budget bytes reserved for the inflater's window (context takeover), 0 or WINDOW. */
  private windowHeld = 0;

  private state = S_HEAD;
  /** Frame head bytes collected so far (at most 14). */
  private readonly head = new Uint8Array(14);
  private headLen = 0;
  // --- current frame ---
  private opcode = 0;
  private fin = false;
  private left = 0;
  private masked = false;
  private readonly key = new Uint8Array(4);
  private maskPos = 0;
  /** Scratch for the 32-bit form of the rotated key. */
  private readonly word = new Uint8Array(4);
  private into = INTO_NOTHING;
  // --- current data message ---
  private inMessage = false;
  private msgBinary = false;
  private msgCompressed = false;
  /** Uncompressed message handed on chunk by chunk; `msgBytes` then counts only skipped bytes. */
  private msgStreamed = false;
  /** The message exceeded the cap or is otherwise dropped: bytes are counted, not kept. */
  private msgDropped = false;
  private msgBytes = 0;
  private msg = new Uint8Array(0);
  private readonly control = new Uint8Array(125);
  private controlLen = 0;
  private maskReported = false;
  /** Data messages handed on, and lost. */
  messages = 0;
  lostMessages = 0;
  closeCode: number | null = null;

  constructor(o: WebSocketFrameDecoderOptions) {
    this.sink = o.sink;
    this.anomalies = o.anomalies;
    this.fromClient = o.fromClient;
    this.cap = o.maxMessageBytes ?? DEFAULT_MAX_WS_MESSAGE_BYTES;
    this.inflater = o.deflate != null ? new MessageInflater(o.deflate.contextTakeover, this.cap) : null;
    this.budget = o.budget;
  }

  /** True once a Close frame was seen in this direction. */
  get closed(): boolean {
    return this.state === S_CLOSED;
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
        if (this.into === INTO_MESSAGE) {
          this.heldSinceSec = tsSec;
          this.lastFrameNo = frameNo;
        }
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
    if (this.inMessage) this.loseMessage(frameNo, tsSec, tsNsec);
    this.releaseWindow();
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
    this.masked = (b1 & 0x80) !== 0;
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
    if (this.masked) this.key.set(h.subarray(p, p + 4));
    this.maskPos = 0;
    this.left = len;
    if (this.masked !== this.fromClient && !this.maskReported) {
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
      if (this.inMessage) this.loseMessage(frameNo, tsSec, tsNsec);
      return INTO_NOTHING;
    }
    if (op === OP_CONT) {
      if (!this.inMessage) {
        this.anomalies?.report('websocket.bad_fragmentation', frameNo, `continuation len=${len}`);
        this.lostMessages++;
        this.sink.lost(len, frameNo, tsSec, tsNsec);
        return INTO_NOTHING;
      }
      // RSV1 only on the first frame of a message (RFC 7692 6.1).
      if (rsv !== 0) this.dropMessage('websocket.bad_rsv', frameNo, `rsv=${rsv}`);
    } else {
      if (this.inMessage) {
        this.anomalies?.report('websocket.bad_fragmentation', frameNo, 'new message before FIN');
        this.loseMessage(frameNo, tsSec, tsNsec);
      }
      this.inMessage = true;
      this.msgBinary = op === OP_BINARY;
      this.msgCompressed = (rsv & 4) !== 0 && this.inflater !== null;
      this.msgDropped = false;
      this.msgBytes = 0;
      this.msgStreamed = !this.msgCompressed && this.sink.chunk !== undefined;
      if (rsv !== 0 && !this.msgCompressed) this.dropMessage('websocket.bad_rsv', frameNo, `rsv=${rsv}`);
      else if ((rsv & 3) !== 0) this.dropMessage('websocket.bad_rsv', frameNo, `rsv=${rsv}`);
    }
    if (this.msgStreamed && !this.msgDropped) return INTO_STREAM;
    if (!this.msgDropped && this.msgBytes + len > this.cap) this.dropMessage('websocket.message_too_large', frameNo, `bytes>${this.cap}`);
    if (!this.msgDropped && this.msg.length < this.msgBytes + len) {
      // Exact for a one-frame message; doubling (to the cap) across fragments.
      const size = Math.max(this.msgBytes + len, Math.min(this.cap, this.msg.length * 2));
      if (this.budget !== undefined && !this.budget.reserve(this, size - this.msg.length)) {
        this.dropMessage('websocket.memcap', frameNo, `bytes=${this.msgBytes + len} budget=${this.budget.limit}`);
      } else {
        const grown = new Uint8Array(size);
        grown.set(this.msg.subarray(0, this.msgBytes));
        this.msg = grown;
        this.heldSinceSec = tsSec;
        this.lastFrameNo = frameNo;
      }
    }
    if (this.msgDropped) {
      this.msgBytes += len;
      return INTO_NOTHING;
    }
    return INTO_MESSAGE;
  }

  private payload(data: Uint8Array, i: number, take: number, frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.into === INTO_NOTHING) {
      this.maskPos += take;
      return;
    }
    if (this.into === INTO_STREAM) {
      if (!this.masked) {
        this.sink.chunk!(data.subarray(i, i + take), frameNo, tsSec, tsNsec);
        return;
      }
      for (let o = 0; o < take; o += SCRATCH.length) {
        const k = Math.min(SCRATCH.length, take - o);
        SCRATCH.set(data.subarray(i + o, i + o + k));
        unmask(SCRATCH, 0, k, this.key, this.maskPos, this.word);
        this.maskPos += k;
        this.sink.chunk!(SCRATCH.subarray(0, k), frameNo, tsSec, tsNsec);
      }
      return;
    }
    const dst = this.into === INTO_MESSAGE ? this.msg : this.control;
    let at = this.into === INTO_MESSAGE ? this.msgBytes : this.controlLen;
    dst.set(data.subarray(i, i + take), at);
    if (this.masked) {
      unmask(dst, at, take, this.key, this.maskPos, this.word);
      this.maskPos += take;
    }
    at += take;
    if (this.into === INTO_MESSAGE) this.msgBytes = at;
    else this.controlLen = at;
  }

  private endFrame(frameNo: number, tsSec: number, tsNsec: number): void {
    this.state = S_HEAD;
    if (this.into === INTO_CONTROL) {
      if (this.opcode === OP_CLOSE) {
        // RFC 6455 5.5.1: an optional 2-byte status code first. Nothing is decoded after it.
        this.closeCode = this.controlLen >= 2 ? (this.control[0]! << 8) | this.control[1]! : null;
        if (this.inMessage) this.loseMessage(frameNo, tsSec, tsNsec);
        this.state = S_CLOSED;
      }
      return;
    }
    if (this.opcode >= 8 || !this.inMessage || !this.fin) return;
    this.finishMessage(frameNo, tsSec, tsNsec);
  }

  private finishMessage(frameNo: number, tsSec: number, tsNsec: number): void {
    this.inMessage = false;
    if (this.msgDropped) {
      if (this.msgCompressed) {
        this.inflater!.lose();
        this.releaseWindow();
      }
      this.freeBuffer();
      this.lostMessages++;
      this.sink.lost(this.msgBytes, frameNo, tsSec, tsNsec);
      return;
    }
    if (this.msgStreamed) {
      this.messages++;
      this.sink.message(EMPTY, this.msgBinary, frameNo, tsSec, tsNsec);
      return;
    }
    // The buffer leaves the decoder with the message: an idle direction holds nothing.
    const msg = this.msg.subarray(0, this.msgBytes);
    this.freeBuffer();
    let out: Uint8Array;
    if (this.msgCompressed) {
      const r = this.inflater!.inflate(msg);
      if (r.out === null) {
        this.releaseWindow();
        const code = r.status === InflateStatus.TOO_LARGE ? 'websocket.message_too_large' : r.status === InflateStatus.CONTEXT_LOST ? 'websocket.deflate_context_lost' : 'websocket.inflate_failed';
        this.anomalies?.report(code, frameNo, `compressed=${this.msgBytes}`);
        this.lostMessages++;
        this.sink.lost(this.msgBytes, frameNo, tsSec, tsNsec);
        return;
      }
      out = r.out;
      if (this.windowHeld === 0 && this.budget !== undefined && this.inflater!.keepsWindow) {
        if (this.budget.reserve(this, WINDOW)) this.windowHeld = WINDOW;
        else {
          this.anomalies?.report('websocket.memcap', frameNo, 'deflate window');
          this.inflater!.dropWindow();
        }
      }
    } else {
      out = msg;
    }
    this.messages++;
    this.sink.message(out, this.msgBinary, frameNo, tsSec, tsNsec);
  }

  private dropMessage(code: 'websocket.bad_rsv' | 'websocket.message_too_large' | 'websocket.memcap' | 'websocket.message_timeout', frameNo: number, detail: string): void {
    if (this.msgDropped) return;
    this.anomalies?.report(code, frameNo, detail);
    this.msgDropped = true;
    this.freeBuffer();
  }

  /**
   * The budget takes the message in progress back (it is the earliest holder, or idle too long):
   * its rest is skipped by the frame lengths, and it ends as lost.
   */
  evict(reason: 'memcap' | 'timeout'): boolean {
    if (!this.inMessage || this.msgDropped || this.msg.length === 0) {
      this.freeBuffer();
      // The window of a live direction goes for the budget only: an idle chat keeps its context.
      if (reason === 'timeout' || this.windowHeld === 0) return false;
      this.anomalies?.report('websocket.memcap', this.lastFrameNo, 'deflate window');
      this.inflater!.dropWindow();
      this.releaseWindow();
      return true;
    }
    const held = this.msgBytes;
    this.dropMessage(reason === 'memcap' ? 'websocket.memcap' : 'websocket.message_timeout', this.lastFrameNo, `held=${held}`);
    if (this.into === INTO_MESSAGE && this.state === S_PAYLOAD) {
      // The rest of the current frame is skipped too.
      this.msgBytes += this.left;
      this.into = INTO_NOTHING;
    }
    return true;
  }

  private releaseWindow(): void {
    if (this.windowHeld === 0) return;
    this.budget!.release(this, this.windowHeld, this.msg.length === 0);
    this.windowHeld = 0;
  }

  /** Lets the message buffer go and gives its bytes back to the budget. */
  private freeBuffer(): void {
    if (this.msg.length === 0) return;
    this.budget?.release(this, this.msg.length, this.windowHeld === 0);
    this.msg = EMPTY;
  }

  /** The message in progress ends without its FIN (protocol error, Close, end, gap). */
  private loseMessage(frameNo: number, tsSec: number, tsNsec: number): void {
    this.inMessage = false;
    this.freeBuffer();
    if (this.msgCompressed) {
      this.inflater!.lose();
      this.releaseWindow();
    }
    this.lostMessages++;
    this.sink.lost(this.msgBytes, frameNo, tsSec, tsNsec);
  }

  private die(frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.inMessage) this.loseMessage(frameNo, tsSec, tsNsec);
    this.inflater?.lose();
    this.releaseWindow();
    this.state = S_DEAD;
    this.sink.lost(0, frameNo, tsSec, tsNsec);
  }
}

/**
 * XORs b[at, at + n) in place with the masking key (RFC 6455 5.3: byte i of the payload with
 * key[i mod 4]; `pos` is the payload offset of b[at]). Four bytes at a time where b is aligned:
 * `b` must start at an aligned offset of its buffer (the decoder's own buffers do).
 */
function unmask(b: Uint8Array, at: number, n: number, key: Uint8Array, pos: number, word: Uint8Array): void {
  const end = at + n;
  let j = at;
  let m = pos;
  while (j < end && ((b.byteOffset + j) & 3) !== 0) b[j++]! ^= key[m++ & 3]!;
  const words = (end - j) >> 2;
  if (words > 0) {
    // The key rotated to this position, read in the platform's byte order like the data.
    for (let q = 0; q < 4; q++) word[q] = key[(m + q) & 3]!;
    const w = new Uint32Array(word.buffer, word.byteOffset, 1)[0]!;
    const u = new Uint32Array(b.buffer, b.byteOffset + j, words);
    for (let q = 0; q < words; q++) u[q]! ^= w;
    j += words * 4;
    m += words * 4;
  }
  while (j < end) b[j++]! ^= key[m++ & 3]!;
}
