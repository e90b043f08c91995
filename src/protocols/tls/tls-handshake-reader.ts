/**
 * Splits one direction's handshake byte stream (RFC 8446 4, RFC 5246 7.4: type(1), length(3),
 * body) into messages; messages may span records and a record may hold several. Only the
 * bodies decryption needs are buffered (bounded by {@link MAX_KEPT_HANDSHAKE}); the others
 * (certificates, tickets) are skipped by length so memory stays small whatever their size.
 */
import { concatBytes } from '../../util/bytes.js';

export const HS_HELLO_REQUEST = 0;
export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_FINISHED = 20;
export const HS_KEY_UPDATE = 24;

/** Messages whose body is kept. */
const KEPT = new Set([HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_KEY_UPDATE, HS_FINISHED, HS_HELLO_REQUEST]);
/** Largest kept body: a ClientHello with post-quantum key shares is a few KiB; 64 KiB is generous. */
export const MAX_KEPT_HANDSHAKE = 65536;

export interface HandshakeMessage {
  readonly type: number;
  /** The body when the type is kept (a fresh array), else empty. */
  readonly body: Uint8Array;
}

export class TlsHandshakeReader {
  private head = new Uint8Array(4);
  private headLen = 0;
  private remaining = 0;
  private parts: Uint8Array[] = [];
  private keep = false;

  /** No message is in progress (RFC 8446 5.1: handshake messages must not span a key change). */
  get atBoundary(): boolean {
    return this.headLen === 0;
  }

  /** Appends `bytes`; returns the messages completed, or `null` when a kept message exceeds the cap (the reader is then unusable). */
  push(bytes: Uint8Array): HandshakeMessage[] | null {
    const out: HandshakeMessage[] = [];
    let p = 0;
    while (p < bytes.length) {
      if (this.headLen < 4) {
        this.head[this.headLen++] = bytes[p++]!;
        if (this.headLen < 4) continue;
        this.remaining = (this.head[1]! << 16) | (this.head[2]! << 8) | this.head[3]!;
        this.keep = KEPT.has(this.head[0]!);
        if (this.keep && this.remaining > MAX_KEPT_HANDSHAKE) return null;
        this.parts = [];
      } else {
        const n = Math.min(this.remaining, bytes.length - p);
        if (this.keep) this.parts.push(bytes.slice(p, p + n));
        this.remaining -= n;
        p += n;
      }
      if (this.headLen === 4 && this.remaining === 0) {
        out.push({ type: this.head[0]!, body: this.keep ? concatBytes(this.parts) : new Uint8Array(0) });
        this.parts = [];
        this.headLen = 0;
      }
    }
    return out;
  }
}
