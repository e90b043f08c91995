/**
 * The data message in progress of one WebSocket direction (RFC 6455 5.4: the payloads of its
 * frames, control frames aside), from its first frame to the sink.
 *
 * Memory: when the sink takes a stream (`chunk`, MSRP: RFC 7977 5.3), the payloads of uncompressed
 * messages are handed on as they arrive and nothing is held. Otherwise a data message is copied
 * (unmasked) into one buffer up to the cap, counted against the shared
 * {@link WebSocketMemoryBudget} while it arrives and let go when it ends; larger messages, and
 * messages the budget evicts (earliest first, or idle too long), are skipped by their declared
 * lengths (the frame decoder stays in step) and reported as lost. Compressed messages (RFC 7692:
 * RSV1 on a message's first frame) are inflated whole at their end.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { InflateStatus, MessageInflater, WINDOW } from './message-inflater.js';
import type { WebSocketMask } from './websocket-mask.js';
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

type DropCode = 'websocket.bad_rsv' | 'websocket.message_too_large' | 'websocket.memcap' | 'websocket.message_timeout';

const EMPTY = new Uint8Array(0);
/** Unmasking scratch for streamed payloads, shared: the sink copies what it keeps during the call. */
const SCRATCH = new Uint8Array(64 * 1024);

export class WebSocketMessageCollector implements WebSocketBudgetHolder {
  /** Capture second and frame of the last byte added to the message buffer. */
  heldSinceSec = 0;
  private lastFrameNo = 0;
  private readonly inflater: MessageInflater | null;
  /** Budget bytes reserved for the inflater's window (context takeover), 0 or WINDOW. */
  private windowHeld = 0;
  private active = false;
  private binary = false;
  private compressed = false;
  /** Uncompressed message handed on chunk by chunk; `bytes` then counts only skipped bytes. */
  private streamed = false;
  /** The message exceeded the cap or is otherwise dropped: bytes are counted, not kept. */
  private dropped = false;
  private bytes = 0;
  private msg = EMPTY;
  /** Payload bytes of the frame being collected not added yet: counted as lost with the message if the budget evicts it. */
  private frameLeft = 0;
  /** Data messages handed on, and lost. */
  messages = 0;
  lostMessages = 0;

  /** `cap`: bytes of one message (compressed, and inflated); `deflate`: permessage-deflate was negotiated, `contextTakeover` for this direction's sender. */
  constructor(
    private readonly sink: WebSocketMessageSink,
    private readonly anomalies: AnomalySink | undefined,
    private readonly cap: number,
    deflate: { readonly contextTakeover: boolean } | null | undefined,
    private readonly budget: WebSocketMemoryBudget | undefined,
  ) {
    this.inflater = deflate != null ? new MessageInflater(deflate.contextTakeover, cap) : null;
  }

  /** A message was begun and has not ended. */
  get inMessage(): boolean {
    return this.active;
  }

  /** A text or binary frame begins a message. RFC 7692 6.1: RSV1 marks it compressed (only when negotiated); RSV2 and RSV3 are never set. */
  begin(binary: boolean, rsv: number, frameNo: number): void {
    this.active = true;
    this.binary = binary;
    this.compressed = (rsv & 4) !== 0 && this.inflater !== null;
    this.dropped = false;
    this.bytes = 0;
    this.streamed = !this.compressed && this.sink.chunk !== undefined;
    if (rsv !== 0 && !this.compressed) this.drop('websocket.bad_rsv', frameNo, `rsv=${rsv}`);
    else if ((rsv & 3) !== 0) this.drop('websocket.bad_rsv', frameNo, `rsv=${rsv}`);
  }

  /** A continuation frame of the message: RSV1 only on the first frame of a message (RFC 7692 6.1). */
  continueWith(rsv: number, frameNo: number): void {
    if (rsv !== 0) this.drop('websocket.bad_rsv', frameNo, `rsv=${rsv}`);
  }

  /**
   * A frame of the message with `len` payload bytes starts: true when its payload goes to
   * {@link add} (streamed, or collected within the cap and the budget), false when it is skipped
   * (the message is dropped; its bytes are counted).
   */
  frame(len: number, frameNo: number, tsSec: number): boolean {
    if (this.streamed && !this.dropped) return true;
    if (!this.dropped && this.bytes + len > this.cap) this.drop('websocket.message_too_large', frameNo, `bytes>${this.cap}`);
    if (!this.dropped && this.msg.length < this.bytes + len) {
      // Exact for a one-frame message; doubling (to the cap) across fragments.
      const size = Math.max(this.bytes + len, Math.min(this.cap, this.msg.length * 2));
      if (this.budget !== undefined && !this.budget.reserve(this, size - this.msg.length)) {
        this.drop('websocket.memcap', frameNo, `bytes=${this.bytes + len} budget=${this.budget.limit}`);
      } else {
        const grown = new Uint8Array(size);
        grown.set(this.msg.subarray(0, this.bytes));
        this.msg = grown;
        this.heldSinceSec = tsSec;
        this.lastFrameNo = frameNo;
      }
    }
    if (this.dropped) {
      this.bytes += len;
      return false;
    }
    this.frameLeft = len;
    return true;
  }

  /** `take` payload bytes of the current frame, data[i, i + take), unmasked with `mask`. `data` is only read during the call. */
  add(data: Uint8Array, i: number, take: number, mask: WebSocketMask, frameNo: number, tsSec: number, tsNsec: number): void {
    // Evicted during this frame: its rest was counted then.
    if (this.dropped) return;
    if (this.streamed) {
      if (!mask.masked) {
        this.sink.chunk!(data.subarray(i, i + take), frameNo, tsSec, tsNsec);
        return;
      }
      for (let o = 0; o < take; o += SCRATCH.length) {
        const k = Math.min(SCRATCH.length, take - o);
        SCRATCH.set(data.subarray(i + o, i + o + k));
        mask.apply(SCRATCH, 0, k);
        this.sink.chunk!(SCRATCH.subarray(0, k), frameNo, tsSec, tsNsec);
      }
      return;
    }
    this.heldSinceSec = tsSec;
    this.lastFrameNo = frameNo;
    this.msg.set(data.subarray(i, i + take), this.bytes);
    mask.apply(this.msg, this.bytes, take);
    this.bytes += take;
    this.frameLeft -= take;
  }

  /** The message's last frame (FIN) ended: hands it on, or says it was lost. */
  finish(frameNo: number, tsSec: number, tsNsec: number): void {
    if (this.dropped) {
      this.cut(frameNo, tsSec, tsNsec);
      return;
    }
    this.active = false;
    if (this.streamed) {
      this.messages++;
      this.sink.message(EMPTY, this.binary, frameNo, tsSec, tsNsec);
      return;
    }
    // The buffer leaves the collector with the message: an idle direction holds nothing.
    const msg = this.msg.subarray(0, this.bytes);
    this.freeBuffer();
    let out: Uint8Array;
    if (this.compressed) {
      const r = this.inflater!.inflate(msg);
      if (r.out === null) {
        this.releaseWindow();
        const code = r.status === InflateStatus.TOO_LARGE ? 'websocket.message_too_large' : r.status === InflateStatus.CONTEXT_LOST ? 'websocket.deflate_context_lost' : 'websocket.inflate_failed';
        this.anomalies?.report(code, frameNo, `compressed=${this.bytes}`);
        this.lostMessages++;
        this.sink.lost(this.bytes, frameNo, tsSec, tsNsec);
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
    this.sink.message(out, this.binary, frameNo, tsSec, tsNsec);
  }

  /** The message in progress, if any, ends without its FIN (protocol error, Close, end, gap): it is lost. */
  cut(frameNo: number, tsSec: number, tsNsec: number): void {
    if (!this.active) return;
    this.active = false;
    this.freeBuffer();
    if (this.compressed) {
      this.inflater!.lose();
      this.releaseWindow();
    }
    this.lostMessages++;
    this.sink.lost(this.bytes, frameNo, tsSec, tsNsec);
  }

  /** A continuation frame with no message to continue (RFC 6455 5.4): its `len` payload bytes are a lost message. */
  lostFragment(len: number, frameNo: number, tsSec: number, tsNsec: number): void {
    this.lostMessages++;
    this.sink.lost(len, frameNo, tsSec, tsNsec);
  }

  /** No more frames will come: the message in progress is lost, the deflate window let go. */
  end(frameNo: number, tsSec: number, tsNsec: number): void {
    this.cut(frameNo, tsSec, tsNsec);
    this.releaseWindow();
  }

  /**
   * The budget takes the message in progress back (it is the earliest holder, or idle too long):
   * its rest is skipped by the frame lengths, and it ends as lost.
   */
  evict(reason: 'memcap' | 'timeout'): boolean {
    if (!this.active || this.dropped || this.msg.length === 0) {
      this.freeBuffer();
      // The window of a live direction goes for the budget only: an idle chat keeps its context.
      if (reason === 'timeout' || this.windowHeld === 0) return false;
      this.anomalies?.report('websocket.memcap', this.lastFrameNo, 'deflate window');
      this.inflater!.dropWindow();
      this.releaseWindow();
      return true;
    }
    const held = this.bytes;
    this.drop(reason === 'memcap' ? 'websocket.memcap' : 'websocket.message_timeout', this.lastFrameNo, `held=${held}`);
    // The rest of the current frame is skipped too.
    this.bytes += this.frameLeft;
    this.frameLeft = 0;
    return true;
  }

  private drop(code: DropCode, frameNo: number, detail: string): void {
    if (this.dropped) return;
    this.anomalies?.report(code, frameNo, detail);
    this.dropped = true;
    this.freeBuffer();
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
}
