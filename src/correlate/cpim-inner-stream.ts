/**
 * Streams a message/cpim body (RFC 3862 section 2) without holding it: the header blocks are
 * buffered (bounded), parsed once complete, and the encapsulated content that follows is
 * hashed as it arrives, however large the message is.
 *
 * ```
 *   body offset: 0 ............ headerLength ............................ end
 *                [CPIM headers CRLF content headers CRLF] [ inner content ....... ]
 *                `-- buffered (≤ maxHeaderBytes), parsed --'`-- hashed (SHA-256, opt. SHA-1);
 *                                                              first keepInnerBytes kept --'
 * ```
 *
 * An inner Content-Length (RFC 3862 section 3.3: content headers may carry one) bounds the
 * inner body; bytes after it are not inner content (parseCpim trims the same way).
 */
import { createHash, type Hash } from 'node:crypto';
import { parseCpim, type CpimMessage } from '../protocols/msrp/index.js';

export interface CpimInnerStreamOptions {
  /** Cap on the buffered header blocks (default 16 KiB, the parseCpim default). */
  readonly maxHeaderBytes?: number;
  /** Inner content bytes kept (for IMDN / isComposing XML), default 16 KiB. */
  readonly keepInnerBytes?: number;
  /** Also compute SHA-1 of the inner content (RFC 5547 file transfer hash). */
  readonly sha1?: boolean;
}

/** Incremental CPIM unwrapper. Feed the outer body in order with {@link write}. */
export class CpimInnerStream {
  /** The parsed headers (body empty or partial), once the header blocks ended; else null. */
  cpim: CpimMessage | null = null;
  /** The header blocks did not end within the cap (or the body ended first). */
  failed = false;
  /** Bytes of inner content hashed so far. */
  innerLength = 0;

  private readonly maxHeader: number;
  private readonly keepInner: number;
  private headBuf: Uint8Array = new Uint8Array(0);
  private headLen = 0;
  private readonly sha256: Hash = createHash('sha256');
  private readonly sha1Hash: Hash | null;
  private innerLimit = Infinity;
  private inner: Uint8Array = new Uint8Array(0);
  private innerKept = 0;

  constructor(options: CpimInnerStreamOptions = {}) {
    this.maxHeader = options.maxHeaderBytes ?? 16 * 1024;
    this.keepInner = options.keepInnerBytes ?? 16 * 1024;
    this.sha1Hash = options.sha1 === true ? createHash('sha1') : null;
  }

  /** Next bytes of the outer body (read during the call only). */
  write(piece: Uint8Array): void {
    if (this.failed || piece.length === 0) return;
    if (this.cpim !== null) {
      this.innerData(piece);
      return;
    }
    const room = this.maxHeader - this.headLen;
    const take = Math.min(room, piece.length);
    if (this.headLen + take > this.headBuf.length) {
      const next = new Uint8Array(Math.min(this.maxHeader, Math.max(this.headLen + take, this.headBuf.length * 2, 512)));
      next.set(this.headBuf.subarray(0, this.headLen));
      this.headBuf = next;
    }
    this.headBuf.set(piece.subarray(0, take), this.headLen);
    this.headLen += take;
    // Parse only when a line end arrived (a header block can only end on one).
    if (piece.subarray(0, take).indexOf(0x0a) < 0) {
      if (take < piece.length) this.failed = true;
      return;
    }
    const buf = this.headBuf.subarray(0, this.headLen);
    const c = parseCpim(buf);
    if (c === null) {
      if (this.headLen >= this.maxHeader) this.failed = true;
      return;
    }
    this.cpim = c;
    const headerLength = c.body.byteOffset - buf.byteOffset;
    const cl = c.contentHeaders.find((h) => h.name.toLowerCase() === 'content-length')?.value;
    if (cl !== undefined && /^[0-9]{1,12}$/.test(cl)) this.innerLimit = Number(cl);
    // Inner bytes already buffered, then the rest of this piece.
    this.innerData(buf.subarray(headerLength));
    this.headBuf = new Uint8Array(0);
    this.headLen = 0;
    if (take < piece.length) this.innerData(piece.subarray(take));
  }

  private innerData(p: Uint8Array): void {
    const n = Math.min(p.length, this.innerLimit - this.innerLength);
    if (n <= 0) return;
    const part = n < p.length ? p.subarray(0, n) : p;
    this.sha256.update(part);
    this.sha1Hash?.update(part);
    this.innerLength += n;
    if (this.innerKept < this.keepInner) {
      const k = Math.min(n, this.keepInner - this.innerKept);
      if (this.innerKept + k > this.inner.length) {
        const next = new Uint8Array(Math.min(this.keepInner, Math.max(this.innerKept + k, this.inner.length * 2, 256)));
        next.set(this.inner.subarray(0, this.innerKept));
        this.inner = next;
      }
      this.inner.set(part.subarray(0, k), this.innerKept);
      this.innerKept += k;
    }
  }

  /** The first inner bytes kept (whole inner content when `innerIsWhole`). */
  innerHead(): Uint8Array {
    return this.inner.subarray(0, this.innerKept);
  }

  /** True when {@link innerHead} holds the entire inner content seen. */
  get innerIsWhole(): boolean {
    return this.innerKept === this.innerLength;
  }

  /** Finishes the hashes: hex SHA-256 and SHA-1 (null when not computed) of the inner content; null when the headers never parsed. */
  digest(): { sha256: string; sha1: string | null } | null {
    if (this.cpim === null) return null;
    return { sha256: this.sha256.digest('hex'), sha1: this.sha1Hash === null ? null : this.sha1Hash.digest('hex') };
  }
}
