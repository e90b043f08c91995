/**
 * A minimal protobuf wire-format writer (https://protobuf.dev/programming-guides/encoding/):
 * varints, length-delimited fields, nested messages. One growing buffer; a nested message
 * reserves one octet for its length and, in the rare case the length needs more, moves its body
 * up once (so lengths need no sizes pass). Written to give the bytes protobufjs gives for the
 * same fields (minimal varints, fields in the order written), see ./encode-protobuf-record.ts.
 */

/** Wire types (encoding guide, "Message Structure"). */
export const VARINT = 0;
export const LEN = 2;

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Largest buffer kept between messages (bytes). */
const MAX_KEPT = 1 << 20;

export class ProtobufWriter {
  private buf: Buffer;
  private pos = 0;
  /** Start offsets of the open nested messages (their reserved length octet). */
  private readonly forks: number[] = [];

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer up to 2^53 as a base-128 varint. */
  varint(v: number): this {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
    return this;
  }

  /** An int64 field value: negative numbers as their 64-bit two's complement (10 octets). */
  int64(v: number): this {
    if (v >= 0) return this.varint(v);
    let x = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (x >= 0x80n) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.pos++] = Number(x);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, LEN).varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  string(field: number, s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.tag(field, LEN).varint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  /** Starts a length-delimited nested message (tag written by the caller, or none for the record's own length prefix). */
  fork(): this {
    this.ensure(1);
    this.forks.push(this.pos);
    this.pos += 1;
    return this;
  }

  /** Ends the innermost nested message: writes its length before it. */
  ldelim(): this {
    const start = this.forks.pop()!;
    const len = this.pos - start - 1;
    const k = varintSize(len);
    if (k > 1) {
      this.ensure(k - 1);
      this.buf.copyWithin(start + k, start + 1, this.pos);
      this.pos += k - 1;
    }
    let v = len;
    let p = start;
    while (v >= 0x80) {
      this.buf[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[p] = v;
    return this;
  }

  /** The bytes written, as a new array of exactly their size; the writer starts over (its buffer is reused). */
  finish(): Uint8Array {
    const out = new Uint8Array(this.buf.subarray(0, this.pos));
    this.pos = 0;
    this.forks.length = 0;
    // A buffer grown for one large file transfer is not kept for the rest of the run.
    if (this.buf.length > MAX_KEPT) this.buf = Buffer.allocUnsafe(256);
    return out;
  }
}
