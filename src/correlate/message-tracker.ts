/**
 * Per-message streaming state while an MSRP message is reassembled (RFC 4975 section 7.1.1):
 * the assembler hands the in-order body bytes (its `onData` hook) and this computes everything
 * the records and the audit need without holding the body beyond the caps:
 *
 * - SHA-256 of the body (of the contiguous prefix for aborted messages), SHA-1 for file
 *   transfers (RFC 5547 section 5 hash:sha-1 of the file);
 * - CPIM (RFC 3862) unwrapping through {@link CpimInnerStream}: inner type, inner hashes;
 * - for intercepted (or not yet identified) sessions, the body itself up to `contentCap` bytes
 *   for the rCSMessage record; for other sessions nothing is kept.
 */
import { createHash, type Hash } from 'node:crypto';
import { CpimInnerStream } from './cpim-inner-stream.js';

/** Media type without parameters, lower-cased (`Message/CPIM; x=y` → `message/cpim`). */
export function mediaTypeOf(contentType: string | null): string | null {
  if (contentType === null) return null;
  const t = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return t === '' ? null : t;
}

export interface MessageTrackerOptions {
  /** Compute SHA-1 (file-transfer sessions). */
  readonly sha1: boolean;
  /** Body bytes kept for the record (0 = keep none). */
  readonly contentCap: number;
}

/** State of one message in reassembly. */
export class MessageTracker {
  /** Body bytes streamed so far (the contiguous prefix). */
  streamed = 0;
  readonly cpim: CpimInnerStream | null;
  private readonly sha256: Hash = createHash('sha256');
  private readonly sha1: Hash | null;
  private content: Uint8Array[] = [];
  private contentBytes = 0;
  private contentCap: number;
  /** More body bytes arrived than `contentCap` allowed to keep. */
  contentTruncated = false;

  constructor(
    readonly messageId: string,
    /** Media type of the MSRP Content-Type, lower-cased, no parameters. */
    readonly mediaType: string | null,
    options: MessageTrackerOptions,
  ) {
    this.sha1 = options.sha1 ? createHash('sha1') : null;
    this.contentCap = options.contentCap;
    this.cpim = mediaType === 'message/cpim' ? new CpimInnerStream({ sha1: options.sha1 }) : null;
  }

  /** In-order body bytes at offset `streamed` (the view is read during the call only). */
  write(piece: Uint8Array): void {
    this.sha256.update(piece);
    this.sha1?.update(piece);
    this.cpim?.write(piece);
    this.streamed += piece.length;
    if (this.contentBytes < this.contentCap) {
      const n = Math.min(piece.length, this.contentCap - this.contentBytes);
      this.content.push(piece.slice(0, n));
      this.contentBytes += n;
      if (n < piece.length) this.contentTruncated = true;
    } else if (this.contentCap > 0) this.contentTruncated = true;
  }

  /** Keeps up to `cap` body bytes from now on, when nothing was cut yet (the session got identified). */
  raiseContentCap(cap: number): void {
    if (!this.contentTruncated && cap > this.contentCap) this.contentCap = cap;
  }

  /** Stops keeping body bytes (the session turned out not to be intercepted) and frees them. */
  dropContent(): void {
    this.content = [];
    this.contentBytes = 0;
    this.contentCap = 0;
  }

  /** Bytes of body held for the record. */
  get heldBytes(): number {
    return this.contentBytes;
  }

  /** The kept body (concatenated once). */
  takeContent(): Uint8Array {
    if (this.content.length === 1) return this.content[0]!;
    const out = new Uint8Array(this.contentBytes);
    let o = 0;
    for (const c of this.content) {
      out.set(c, o);
      o += c.length;
    }
    this.content = [out];
    return out;
  }

  /** Hex digests of the streamed prefix (call once). */
  digest(): { sha256: string; sha1: string | null } {
    return { sha256: this.sha256.digest('hex'), sha1: this.sha1 === null ? null : this.sha1.digest('hex') };
  }
}
