/**
 * The bytes the main thread hands the output worker (./threaded-file-output.ts): a batch of LI
 * records written straight into one growing byte buffer, each record at the moment it is
 * emitted (records share objects with the correlator's live state, which may change before the
 * batch leaves), the whole batch then moved to the worker (transfer, no copy) and read there.
 *
 * Why not `v8.serialize` per record (what this replaced): with every session a target it cost
 * the main thread ~15 µs per record (a serializer object per record, a JS callback per byte
 * array: node:v8 treats views as host objects) and the worker as much again to deserialize; the
 * records are plain data (src/records), which a small tagged format writes in a few µs.
 *
 * Same values out as `v8.deserialize(v8.serialize(r))`, for what records hold: plain objects
 * (own enumerable string keys, in order; a key whose value is `undefined` is kept), dense arrays,
 * strings (any UTF-16, lone surrogates included), numbers (every float64, -0 and NaN included),
 * booleans, null, undefined, Uint8Array and Buffer (a view of its own bytes into the batch, as
 * node:v8's deserializer returns). Anything else in a record (a class instance, a Map, another
 * typed array, a sparse array, a cycle or a structure deeper than {@link MAX_DEPTH}) sends that
 * record as `v8.serialize` bytes instead, read back with `v8.deserialize`: the format never
 * guesses. One difference, of no consequence to the encoders (they only read): an object
 * referenced twice in one record arrives as two equal objects.
 *
 * Batch layout (little-endian):
 *   record*  where record = u32 byteLength, u8 form (0 = tagged value, 1 = v8.serialize bytes), bytes
 * Keys of objects are numbered per batch: a key is sent as its number, its text once, where it
 * first occurs in the batch (so a batch can be read alone).
 */
import { deserialize, serialize } from 'node:v8';
import { InvariantError } from '../core/errors.js';

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_TRUE = 2;
const T_FALSE = 3;
const T_INT32 = 4;
const T_FLOAT64 = 5;
const T_ASCII = 6;
const T_UTF16 = 7;
const T_BYTES = 8;
const T_BUFFER = 9;
const T_ARRAY = 10;
const T_OBJECT = 11;

const FORM_TAGGED = 0;
const FORM_V8 = 1;

/** Nesting deeper than this (records are ~5 levels deep) is sent through v8.serialize. */
const MAX_DEPTH = 32;
/** A key number this high or more is followed by the key's text (its first use in the batch). */
const NEW_KEY = 0xffff;
/** A new batch's buffer starts at most this large (it grows as needed). */
const MAX_START_BYTES = 2 << 20;

/** Thrown inside the writer to send the current record through v8.serialize instead. */
class Unsupported {}
const UNSUPPORTED = new Unsupported();

/** Collects records into one batch buffer (see the module comment). */
export class RecordBatchWriter {
  private buf: Buffer;
  private at = 0;
  private keys = new Map<string, number>();
  private n = 0;

  constructor(private readonly initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Records in the batch. */
  get count(): number {
    return this.n;
  }

  /** Bytes of the batch so far. */
  get byteLength(): number {
    return this.at;
  }

  /** Appends one record, as it is now. */
  add(rec: unknown): void {
    const start = this.at;
    const keysBefore = this.keys.size;
    this.reserve(5);
    this.at += 5;
    try {
      this.buf[start + 4] = FORM_TAGGED;
      this.value(rec, 0);
    } catch (e) {
      // Keys first numbered inside the abandoned record are not in the batch: forget them.
      if (this.keys.size !== keysBefore) for (const [k, id] of this.keys) if (id >= keysBefore) this.keys.delete(k);
      // A record that cannot be written at all leaves the batch as it was before it.
      this.at = start;
      if (e !== UNSUPPORTED) throw e;
      const v8 = serialize(rec);
      this.at = start + 5;
      this.reserve(v8.length);
      this.buf.set(v8, this.at);
      this.at += v8.length;
      this.buf[start + 4] = FORM_V8;
    }
    this.buf.writeUInt32LE(this.at - start - 5, start);
    this.n++;
  }

  /**
   * The batch's bytes (a view of an ArrayBuffer that nothing else uses, so it can be
   * transferred), and a new, empty batch in a new buffer.
   */
  take(): Uint8Array {
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.at);
    // Sized after this batch: batches of large records are not grown by doubling each time.
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initialBytes, Math.min(MAX_START_BYTES, this.at + (this.at >> 2))));
    this.at = 0;
    this.n = 0;
    this.keys = new Map();
    return out;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  private u32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }

  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.number(v);
        return;
      case 'boolean':
        this.tag(v ? T_TRUE : T_FALSE);
        return;
      case 'undefined':
        this.tag(T_UNDEFINED);
        return;
      case 'object':
        if (v === null) this.tag(T_NULL);
        else this.object(v, depth);
        return;
      default:
        throw UNSUPPORTED;
    }
  }

  private tag(t: number): void {
    this.reserve(1);
    this.buf[this.at++] = t;
  }

  private number(v: number): void {
    this.reserve(9);
    if ((v | 0) === v && !Object.is(v, -0)) {
      this.buf[this.at] = T_INT32;
      this.buf.writeInt32LE(v, this.at + 1);
      this.at += 5;
    } else {
      this.buf[this.at] = T_FLOAT64;
      this.buf.writeDoubleLE(v, this.at + 1);
      this.at += 9;
    }
  }

  private string(s: string): void {
    // ASCII (one byte per char, the common case) as such; anything else as UTF-16 code units,
    // which carries every JS string exactly (UTF-8 would replace a lone surrogate).
    const ascii = Buffer.byteLength(s, 'utf8') === s.length;
    const len = ascii ? s.length : 2 * s.length;
    this.reserve(5 + len);
    this.buf[this.at] = ascii ? T_ASCII : T_UTF16;
    this.buf.writeUInt32LE(s.length, this.at + 1);
    this.at += 5;
    this.at += this.buf.write(s, this.at, len, ascii ? 'latin1' : 'utf16le');
  }

  private object(o: object, depth: number): void {
    if (depth >= MAX_DEPTH) throw UNSUPPORTED;
    if (o instanceof Uint8Array) {
      const proto = Object.getPrototypeOf(o);
      if (proto !== Uint8Array.prototype && proto !== Buffer.prototype) throw UNSUPPORTED;
      this.reserve(5 + o.byteLength);
      this.buf[this.at] = proto === Buffer.prototype ? T_BUFFER : T_BYTES;
      this.buf.writeUInt32LE(o.byteLength, this.at + 1);
      this.at += 5;
      this.buf.set(o, this.at);
      this.at += o.byteLength;
      return;
    }
    if (Array.isArray(o)) {
      if (Object.getPrototypeOf(o) !== Array.prototype) throw UNSUPPORTED;
      this.tag(T_ARRAY);
      this.u32(o.length);
      for (let i = 0; i < o.length; i++) {
        if (!(i in o)) throw UNSUPPORTED;
        this.value(o[i], depth + 1);
      }
      return;
    }
    if (Object.getPrototypeOf(o) !== Object.prototype) throw UNSUPPORTED;
    const keys = Object.keys(o);
    this.tag(T_OBJECT);
    this.u32(keys.length);
    for (const k of keys) {
      // Set on a plain object it would replace the prototype, not add a key.
      if (k === '__proto__') throw UNSUPPORTED;
      this.key(k);
      this.value((o as Record<string, unknown>)[k], depth + 1);
    }
  }

  private key(k: string): void {
    const id = this.keys.get(k);
    this.reserve(2);
    if (id !== undefined) {
      this.buf.writeUInt16LE(id, this.at);
      this.at += 2;
      return;
    }
    if (this.keys.size >= NEW_KEY) throw UNSUPPORTED;
    this.keys.set(k, this.keys.size);
    this.buf.writeUInt16LE(NEW_KEY, this.at);
    this.at += 2;
    this.string(k);
  }
}

/** Reads a batch written by {@link RecordBatchWriter}, calling `each` per record in order. */
export function readRecordBatch(bytes: Uint8Array, each: (rec: unknown) => void): void {
  new BatchReader(bytes).all(each);
}

class BatchReader {
  private readonly buf: Buffer;
  private at = 0;
  private readonly keys: string[] = [];

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  all(each: (rec: unknown) => void): void {
    const buf = this.buf;
    while (this.at < buf.length) {
      const len = buf.readUInt32LE(this.at);
      const form = buf[this.at + 4];
      const start = this.at + 5;
      const end = start + len;
      if (end > buf.length) throw new InvariantError('record batch: a record runs past the batch');
      this.at = start;
      let rec: unknown;
      if (form === FORM_V8) rec = deserialize(buf.subarray(start, end));
      else if (form === FORM_TAGGED) rec = this.value();
      else throw new InvariantError(`record batch: unknown record form ${String(form)}`);
      if (form === FORM_TAGGED && this.at !== end) throw new InvariantError('record batch: a record does not end at its length');
      this.at = end;
      each(rec);
    }
  }

  private string(ascii: boolean): string {
    const n = this.buf.readUInt32LE(this.at);
    const start = this.at + 4;
    const end = start + (ascii ? n : 2 * n);
    this.at = end;
    return this.buf.toString(ascii ? 'latin1' : 'utf16le', start, end);
  }

  private value(): unknown {
    const buf = this.buf;
    const t = buf[this.at++];
    switch (t) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      case T_INT32: {
        const v = buf.readInt32LE(this.at);
        this.at += 4;
        return v;
      }
      case T_FLOAT64: {
        const v = buf.readDoubleLE(this.at);
        this.at += 8;
        return v;
      }
      case T_ASCII:
        return this.string(true);
      case T_UTF16:
        return this.string(false);
      case T_BYTES:
      case T_BUFFER: {
        const n = buf.readUInt32LE(this.at);
        const off = buf.byteOffset + this.at + 4;
        this.at += 4 + n;
        return t === T_BUFFER ? Buffer.from(buf.buffer, off, n) : new Uint8Array(buf.buffer, off, n);
      }
      case T_ARRAY: {
        const n = buf.readUInt32LE(this.at);
        this.at += 4;
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) a.push(this.value());
        return a;
      }
      case T_OBJECT: {
        const n = buf.readUInt32LE(this.at);
        this.at += 4;
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          let id = buf.readUInt16LE(this.at);
          this.at += 2;
          if (id === NEW_KEY) {
            id = this.keys.length;
            const tk = buf[this.at++];
            this.keys.push(this.string(tk === T_ASCII));
          }
          const k = this.keys[id];
          if (k === undefined) throw new InvariantError('record batch: a key used before its text');
          o[k] = this.value();
        }
        return o;
      }
      default:
        throw new InvariantError(`record batch: unknown value tag ${String(t)}`);
    }
  }
}
