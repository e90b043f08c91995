/**
 * permessage-deflate receiver (RFC 7692 section 7.2.2) for one direction. Each compressed
 * message is inflated alone with node:zlib's synchronous inflateRaw after appending the
 * 0x00 0x00 0xff 0xff tail the sender removed. With context takeover (RFC 7692 7.2.3) the
 * sender's LZ77 window continues over earlier messages; since every message ends with a sync
 * flush, no Huffman state crosses messages, so giving zlib the last 32 KiB of the previous output
 * as preset dictionary (the window, whatever window bits were negotiated: 32 KiB is the largest)
 * is exactly the sender's state.
 *
 * When a compressed message is lost with context takeover, later messages may refer to the
 * missing bytes: the inflater is then broken and says so instead of producing wrong bytes.
 */
import { constants, inflateRawSync } from 'node:zlib';

/** LZ77 window of deflate (RFC 1951 section 2.3: distances up to 32768). */
export const WINDOW = 32 * 1024;
const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

export const InflateStatus = { OK: 0, TOO_LARGE: 1, FAILED: 2, CONTEXT_LOST: 3 } as const;
export type InflateStatusValue = (typeof InflateStatus)[keyof typeof InflateStatus];

export class MessageInflater {
  private window: Uint8Array | null = null;
  private broken = false;

  /**
   * @param contextTakeover false when `*_no_context_takeover` was negotiated for this sender.
   * @param maxOutput cap on one inflated message, bytes.
   */
  constructor(
    private readonly contextTakeover: boolean,
    private readonly maxOutput: number,
  ) {}

  /** True once a lost message broke the shared window. */
  get contextLost(): boolean {
    return this.broken;
  }

  /** The window is kept across messages (context takeover) and not yet lost. */
  get keepsWindow(): boolean {
    return this.contextTakeover && !this.broken;
  }

  /** Lets the window go (memory budget): later messages that may refer to it cannot be inflated. */
  dropWindow(): void {
    this.window = null;
    this.lose();
  }

  /** A compressed message was not inflated (cap, gap): the shared window is unknown from here. */
  lose(): void {
    if (this.contextTakeover) this.broken = true;
  }

  /** Inflates one message (its frames' payloads concatenated, unmasked). The result is a new array. */
  inflate(data: Uint8Array): { status: InflateStatusValue; out: Uint8Array | null } {
    if (this.broken) return { status: InflateStatus.CONTEXT_LOST, out: null };
    const input = new Uint8Array(data.length + 4);
    input.set(data);
    input.set(TAIL, data.length);
    let out: Uint8Array;
    try {
      const opts: Parameters<typeof inflateRawSync>[1] = { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: this.maxOutput };
      if (this.contextTakeover && this.window !== null) (opts as { dictionary?: Uint8Array }).dictionary = this.window;
      const b = inflateRawSync(input, opts);
      out = new Uint8Array(b.buffer, b.byteOffset, b.length);
    } catch (e) {
      this.lose();
      const tooLarge = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      return { status: tooLarge ? InflateStatus.TOO_LARGE : InflateStatus.FAILED, out: null };
    }
    if (this.contextTakeover) this.window = slideWindow(this.window, out);
    return { status: InflateStatus.OK, out };
  }
}

/** The last {@link WINDOW} bytes of `prev` followed by `next` (a copy). */
function slideWindow(prev: Uint8Array | null, next: Uint8Array): Uint8Array {
  if (next.length >= WINDOW) return next.slice(next.length - WINDOW);
  const keep = prev === null ? 0 : Math.min(prev.length, WINDOW - next.length);
  const w = new Uint8Array(keep + next.length);
  if (keep > 0) w.set(prev!.subarray(prev!.length - keep));
  w.set(next, keep);
  return w;
}
