/**
 * Bounds-aware helpers over Uint8Array. Parsers use these instead of DataView objects so the
 * hot path allocates nothing; callers check lengths first (these helpers do not), which keeps
 * each parser's "truncated" decision in one visible place.
 */

/** Big-endian unsigned 16-bit at `off`. Caller guarantees `off + 2 <= b.length`. */
export function u16be(b: Uint8Array, off: number): number {
  return ((b[off]! << 8) | b[off + 1]!) >>> 0;
}

/** Big-endian unsigned 32-bit at `off`. Caller guarantees `off + 4 <= b.length`. */
export function u32be(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

/** Little-endian unsigned 16-bit at `off`. */
export function u16le(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8)) >>> 0;
}

/** Little-endian unsigned 32-bit at `off`. */
export function u32le(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

/** Unsigned 16/32-bit read in the given byte order (capture files come in both). */
export function u16(b: Uint8Array, off: number, littleEndian: boolean): number {
  return littleEndian ? u16le(b, off) : u16be(b, off);
}
export function u32(b: Uint8Array, off: number, littleEndian: boolean): number {
  return littleEndian ? u32le(b, off) : u32be(b, off);
}

/** Lower-case hex of a byte range, e.g. for anomaly details and golden files. */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

/** Parses hex, ignoring white space (so fixtures can be written one field per line). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new RangeError(`fromHex: not an even-length hex string (${clean.length} digits)`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/**
 * ISO-8859-1 decoding of `b[start, end)`: one char per byte, never fails, so protocol header
 * text (SIP, MSRP are ASCII/UTF-8 on the wire) can be inspected without a UTF-8 decoder that
 * could reject bytes. Bodies stay bytes.
 */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/** The inverse of {@link latin1}: one byte per char (chars above U+00FF keep their low 8 bits). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Growable big-endian writer for builders and encoders (samples, X2/X3 PDUs, capture writers).
 * Not for the per-packet decode path.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  u16(v: number, littleEndian = false): this {
    this.reserve(2);
    this.view.setUint16(this.len, v, littleEndian);
    this.len += 2;
    return this;
  }
  u32(v: number, littleEndian = false): this {
    this.reserve(4);
    this.view.setUint32(this.len, v >>> 0, littleEndian);
    this.len += 4;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  /** Writes `s` as UTF-8. */
  utf8(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }
  zeros(n: number): this {
    this.reserve(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
    return this;
  }
  /** Overwrites a big-endian u16/u32 already written (length fields known only at the end). */
  patchU16(at: number, v: number, littleEndian = false): void {
    this.view.setUint16(at, v, littleEndian);
  }
  patchU32(at: number, v: number, littleEndian = false): void {
    this.view.setUint32(at, v >>> 0, littleEndian);
  }
  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
