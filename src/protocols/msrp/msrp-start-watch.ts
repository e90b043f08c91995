/**
 * The start-line watch of a bypassed MSRP direction (issue 13; the bypass is
 * src/flow/stream-bypass.ts). A bypassed direction is passed over unframed because every frame
 * seen on it belonged to sessions the correlator let go; the watch keeps that promise checked
 * for the bytes passed over, so that no other session's frame (a session without SIP on a
 * reused connection, RFC 4975 section 8.1) is ever skipped waiting for a re-probe.
 *
 * It holds the exact To-Path and From-Path lines of the frames let go (RFC 4975 section 7.1:
 * together they name the session, and every request and response carries both) and looks at
 * every frame start in a segment: `LF "MSRP "` anywhere, `"MSRP "` at offset 0 when the previous
 * segment ended with LF, and a start line cut by the segment's end. A segment passes only when
 * every such head ends inside it and names a pair let go; anything else (another pair, a head
 * cut by the segment, a start line cut) stops the bypass at that segment, which then reaches the
 * framer (after the bypass gap, so at a line start) and is framed as without bypass.
 *
 * The frame starts are found by the one start-line search (./msrp-start-search.ts). Costs one
 * native search per segment and a byte comparison per frame start; allocates nothing per segment.
 */
import { MsrpStartSearch } from './msrp-start-search.js';

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const TO_PATH = 'to-path:';
const FROM_PATH = 'from-path:';
/** Pairs kept per direction: a direction carries few sessions; past this the watch refuses more (see allow). */
export const MAX_WATCH_PAIRS = 16;

/** One pair let go: the whole header lines, without CRLF, as on the wire. */
interface PathPair {
  readonly to: Uint8Array;
  readonly from: Uint8Array;
}

function latin1Bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** `b[at, end)` starts with the lower-case ASCII `name`, compared ignoring ASCII case (header names, RFC 4975 section 9). */
function startsWithName(b: Uint8Array, at: number, end: number, name: string): boolean {
  if (end - at < name.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = b[at + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

function sameBytes(b: Uint8Array, at: number, end: number, v: Uint8Array): boolean {
  if (end - at !== v.length) return false;
  for (let i = 0; i < v.length; i++) if (b[at + i] !== v[i]) return false;
  return true;
}

/** Buffer's native search, called on a plain Uint8Array (no Buffer made per segment). */
const nativeIndexOf = Buffer.prototype.indexOf;

/** Searches the byte `v` in `b` from `from`. */
function indexOfByte(b: Uint8Array, v: number, from: number): number {
  return nativeIndexOf.call(b as Buffer, v, from);
}

export class MsrpStartWatch {
  private readonly pairs: PathPair[] = [];
  /**
   * Frame starts in the bytes looked at, and whether the last segment passed ended a line. At a
   * line start at first: a bypass begins only where a frame ended (after its end-line's LF), so
   * the first bypassed byte may begin another session's start line (review R2: that frame was
   * passed over).
   */
  private readonly search = new MsrpStartSearch();

  constructor() {
    this.search.lineStart();
  }

  /** Pairs let go so far. */
  get size(): number {
    return this.pairs.length;
  }

  /**
   * The frame whose header lines are `lines` (ISO-8859-1, without CRLF, as the framer holds them)
   * was let go: frames naming the same To-Path and From-Path lines may be passed over.
   * @returns false when the frame has no To-Path or From-Path, or the table is full: the caller
   *   must not bypass then (nothing would let its frames pass).
   */
  allow(lines: readonly string[]): boolean {
    let to: string | undefined;
    let from: string | undefined;
    for (const l of lines) {
      // First of each wins, as in parseMsrpHeaderLines (a repeat is an anomaly there).
      if (to === undefined && l.length >= TO_PATH.length && l.slice(0, TO_PATH.length).toLowerCase() === TO_PATH) to = l;
      else if (from === undefined && l.length >= FROM_PATH.length && l.slice(0, FROM_PATH.length).toLowerCase() === FROM_PATH) from = l;
    }
    if (to === undefined || from === undefined) return false;
    const tb = latin1Bytes(to);
    const fb = latin1Bytes(from);
    for (const p of this.pairs) if (sameBytes(p.to, 0, p.to.length, tb) && sameBytes(p.from, 0, p.from.length, fb)) return true;
    if (this.pairs.length >= MAX_WATCH_PAIRS) return false;
    this.pairs.push({ to: tb, from: fb });
    return true;
  }

  /**
   * The next bytes do not follow the last ones (a gap): they may begin with a start line, as the
   * framer assumes after a gap (it resynchronises at a line start), so offset 0 is checked too.
   */
  reset(): void {
    this.search.lineStart();
  }

  /**
   * The next in-order bytes of the bypassed direction: true when every frame start in them names
   * a pair let go (they may be passed over), false when they must be framed.
   */
  passes(b: Uint8Array): boolean {
    const n = b.length;
    if (n === 0) return true;
    const search = this.search;
    // Only a line start is held from the bytes passed before (a cut start line is never passed):
    // a start line found begins in `b`.
    for (let k = search.first(b); k < n; k = search.after(b, k)) {
      if (!this.headAllowed(b, k)) return false;
    }
    // A start line cut by the end of these bytes (LF then up to all of "MSRP "): its head is not
    // here to check. Refused bytes leave the watch as it was.
    const held = search.heldAfter(b);
    if (held > 1) return false;
    search.held = held;
    return true;
  }

  /** The head starting at `p` ("MSRP " there) ends in `b` and names a pair let go. */
  private headAllowed(b: Uint8Array, p: number): boolean {
    const n = b.length;
    let ls = indexOfByte(b, LF, p);
    if (ls < 0) return false;
    ls++;
    let toS = -1;
    let toE = -1;
    let frS = -1;
    let frE = -1;
    for (;;) {
      if (ls >= n) return false;
      const le = indexOfByte(b, LF, ls);
      if (le < 0) return false;
      const end = le > ls && b[le - 1] === CR ? le - 1 : le;
      // The blank line (a body follows) or the end-line ("-------" tid) ends the head.
      if (end === ls || b[ls] === DASH) break;
      if (toS < 0 && startsWithName(b, ls, end, TO_PATH)) {
        toS = ls;
        toE = end;
      } else if (frS < 0 && startsWithName(b, ls, end, FROM_PATH)) {
        frS = ls;
        frE = end;
      }
      ls = le + 1;
    }
    if (toS < 0 || frS < 0) return false;
    for (const pr of this.pairs) if (sameBytes(b, toS, toE, pr.to) && sameBytes(b, frS, frE, pr.from)) return true;
    return false;
  }
}
