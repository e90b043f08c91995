/**
 * Cuts one direction's in-order TCP bytes into TLS records (RFC 5246 6.2.1, RFC 8446 5.1:
 * type(1), legacy_record_version(2), length(2), fragment), holding at most one partial record.
 * A header with an unknown content type, a major version other than 3 or a length over
 * 2^14 + 2048 (RFC 5246 6.2.3, the largest TLSCiphertext) stops the framer: record boundaries
 * are lost.
 */

/** RFC 5246 6.2.3: TLSCiphertext.length is at most 2^14 + 2048. */
export const MAX_TLS_CIPHERTEXT = 16384 + 2048;
const FIRST_TYPE = 20; // change_cipher_spec
const LAST_TYPE = 24; // heartbeat (RFC 6520)

/** The header that stopped the framer (numbers only). */
export interface BadRecordHeader {
  readonly type: number;
  readonly versionMajor: number;
  readonly length: number;
}

export class TlsRecordFramer {
  private readonly head = new Uint8Array(5);
  private body: Uint8Array | null = null;
  private have = 0;
  /** Complete records handed on so far. */
  framed = 0;

  /**
   * Hands each complete record (header included) to `onRecord`: a view into `bytes` when the
   * record lies wholly inside it, else a fresh array; the callee copies what it keeps. `rest`: the
   * bytes of `bytes` after that record. `onRecord` returns false to stop early (the rest of `bytes`
   * is dropped; `rest` lets the callee account for it). Returns the bad header that
   * stopped framing, if any (the framer then ignores everything).
   */
  push(bytes: Uint8Array, onRecord: (rec: Uint8Array, rest: number) => boolean): BadRecordHeader | null {
    let p = 0;
    while (p < bytes.length) {
      if (this.have < 5) {
        const n = Math.min(5 - this.have, bytes.length - p);
        this.head.set(bytes.subarray(p, p + n), this.have);
        this.have += n;
        p += n;
        if (this.have < 5) break;
        const len = (this.head[3]! << 8) | this.head[4]!;
        if (this.head[0]! < FIRST_TYPE || this.head[0]! > LAST_TYPE || this.head[1] !== 3 || len > MAX_TLS_CIPHERTEXT) {
          this.body = null;
          return { type: this.head[0]!, versionMajor: this.head[1]!, length: len };
        }
        // A record wholly inside this segment is handed on in place.
        if (n === 5 && bytes.length - p >= len) {
          this.have = 0;
          p += len;
          this.framed++;
          if (!onRecord(bytes.subarray(p - len - 5, p), bytes.length - p)) return null;
          continue;
        }
        this.body = new Uint8Array(5 + len);
        this.body.set(this.head, 0);
      }
      const body = this.body!;
      const n = Math.min(body.length - this.have, bytes.length - p);
      body.set(bytes.subarray(p, p + n), this.have);
      this.have += n;
      p += n;
      if (this.have === body.length) {
        this.body = null;
        this.have = 0;
        this.framed++;
        if (!onRecord(body, bytes.length - p)) return null;
      }
    }
    return null;
  }

  /** Drops the partial record (the direction stopped). */
  reset(): void {
    this.body = null;
  }
}
