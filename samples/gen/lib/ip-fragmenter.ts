/**
 * IPv4 (RFC 791 section 3.2, "Fragmentation and Reassembly") and IPv6 (RFC 8200 section 4.5)
 * fragmentation of a datagram into pieces of a given size, with arrival-order control for the
 * cases a reassembler must survive: out of order, duplicated, lost, overlapping (same or
 * conflicting bytes).
 */
import { arrange } from './arrange.js';
import type { BuiltPacket, FrameFacts } from './frame-facts.js';
import { ipv4, type Ipv4Options } from './ipv4.js';
import { ipv6, type Ipv6Options } from './ipv6.js';

/** A slice of the fragmentable payload. */
export interface FragmentPiece {
  /** Byte offset in the fragmentable payload (multiple of 8). */
  offset: number;
  data: Uint8Array;
  /** More-fragments flag. */
  more: boolean;
}

/** An extra fragment re-sending payload bytes [start, start + length), overlapping others. */
export interface FragmentOverlap {
  /** Multiple of 8. */
  start: number;
  length: number;
  /** Replace the bytes with this value (conflicting overlap); default: the original bytes. */
  fill?: number;
}

export interface FragmentArrangement {
  /**
   * Arrival order: indexes into the pieces from {@link splitPayload} followed by the `overlaps`
   * (piece n + i is overlap i). Repeat an index to duplicate, omit it to lose it.
   * Default: the pieces in order, then the overlaps.
   */
  order?: readonly number[];
  overlaps?: readonly FragmentOverlap[];
  /**
   * Facts of the frame that completes reassembly (what the reassembled datagram reveals);
   * default `{ udp: true }` when the protocol is UDP, else `{}`.
   */
  completes?: FrameFacts;
}

/**
 * Splits `payload` into fragments carrying at most `fragmentSize` bytes each, rounded down to a
 * multiple of 8 as the offset field requires (RFC 791: offsets count 8-octet units).
 */
export function splitPayload(payload: Uint8Array, fragmentSize: number): FragmentPiece[] {
  const size = Math.floor(fragmentSize / 8) * 8;
  if (size <= 0) throw new RangeError(`splitPayload: fragment size ${fragmentSize} < 8`);
  const out: FragmentPiece[] = [];
  for (let off = 0; off < payload.length; off += size) {
    const end = Math.min(payload.length, off + size);
    out.push({ offset: off, data: payload.subarray(off, end), more: end < payload.length });
  }
  return out;
}

/** The pieces in arrival order, and the index (in that order) of the one completing reassembly (-1 if never). */
function arrival(payload: Uint8Array, fragmentSize: number, a: FragmentArrangement): { pieces: FragmentPiece[]; completeAt: number } {
  const base = splitPayload(payload, fragmentSize);
  const extra = (a.overlaps ?? []).map((ov): FragmentPiece => {
    if (ov.start % 8 !== 0 || ov.start + ov.length > payload.length) throw new RangeError('fragment overlap out of range or unaligned');
    const data = payload.slice(ov.start, ov.start + ov.length);
    if (ov.fill !== undefined) data.fill(ov.fill);
    return { offset: ov.start, data, more: ov.start + ov.length < payload.length };
  });
  const all = [...base, ...extra];
  const pieces = arrange(all, a.order ?? all.map((_, i) => i));
  // Reassembly completes when every byte is covered and the last fragment (MF = 0) has arrived.
  const covered = new Uint8Array(payload.length);
  let have = 0;
  let sawLast = false;
  let completeAt = -1;
  pieces.forEach((p, i) => {
    if (completeAt >= 0) return;
    for (let k = p.offset; k < p.offset + p.data.length; k++)
      if (covered[k] === 0) {
        covered[k] = 1;
        have++;
      }
    if (!p.more) sawLast = true;
    if (sawLast && have === payload.length) completeAt = i;
  });
  return { pieces, completeAt };
}

function factsFor(i: number, completeAt: number, version: 4 | 6, protocol: number, completes: FrameFacts | undefined): FrameFacts {
  const ip: FrameFacts = version === 4 ? { ipv4: true } : { ipv6: true };
  if (i !== completeAt) return ip;
  return { ...ip, ...(completes ?? (protocol === 17 ? { udp: true } : {})), reassembled: version };
}

/**
 * Option bytes that must be repeated in non-first fragments: those with the copied flag (bit 7
 * of the type, RFC 791 section 3.1 "Options").
 */
function copiedOptions(opt: Uint8Array): Uint8Array {
  const keep: number[] = [];
  for (let i = 0; i < opt.length; ) {
    const t = opt[i]!;
    if (t === 0) break; // End of Option List
    if (t === 1) {
      i++;
      continue; // NOP
    }
    const len = opt[i + 1] ?? 2;
    if ((t & 0x80) !== 0) keep.push(...opt.subarray(i, i + len));
    i += Math.max(2, len);
  }
  return Uint8Array.from(keep);
}

/**
 * Fragments an IPv4 datagram: `datagram.payload` is the whole transport segment, `datagram.id`
 * the identification shared by the fragments. Returns the fragments in arrival order.
 *
 * @remarks After reassembly completes, later copies (late duplicates) are reported with IPv4
 * facts only; tshark's handling of such copies is not modelled, so scenarios avoid them.
 */
export function ipv4Fragments(datagram: Ipv4Options, fragmentSize: number, a: FragmentArrangement = {}): BuiltPacket[] {
  const { pieces, completeAt } = arrival(datagram.payload, fragmentSize, a);
  const copied = datagram.options !== undefined ? copiedOptions(datagram.options) : undefined;
  return pieces.map((p, i) => {
    const { options, ...rest } = datagram;
    const opts = p.offset === 0 ? options : copied;
    return {
      ip: ipv4({ ...rest, ...(opts !== undefined && opts.length > 0 ? { options: opts } : {}), payload: p.data, mf: p.more, fragmentOffset: p.offset }),
      facts: factsFor(i, completeAt, 4, datagram.protocol, a.completes),
    };
  });
}

/**
 * Fragments an IPv6 datagram (RFC 8200 section 4.5): `datagram.extensions` form the
 * unfragmentable part repeated in every fragment, followed by a Fragment header with `id`;
 * `datagram.payload` (with `datagram.nextHeader`) is the fragmentable part.
 */
export function ipv6Fragments(datagram: Ipv6Options, fragmentSize: number, id: number, a: FragmentArrangement = {}): BuiltPacket[] {
  const { pieces, completeAt } = arrival(datagram.payload, fragmentSize, a);
  return pieces.map((p, i) => ({
    ip: ipv6({
      ...datagram,
      extensions: [...(datagram.extensions ?? []), { kind: 'fragment', offset: p.offset, more: p.more, id }],
      payload: p.data,
    }),
    facts: factsFor(i, completeAt, 6, datagram.nextHeader, a.completes),
  }));
}
