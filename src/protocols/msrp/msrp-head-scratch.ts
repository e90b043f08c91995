/**
 * Per-direction state of the framer's header parser (./parse-msrp-header-block.ts): the path
 * values seen last with their parsed lists, and which required headers the last head named.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { parseMsrpUriList, type MsrpUriList } from './msrp-uri.js';

/** Path values cached per direction. */
const PATH_CACHE = 4;

/** Headers a frame must carry, in report order (bits 0..4 of {@link MsrpHeadScratch.requiredSeen}). */
const REQUIRED_HEADERS = ['To-Path', 'From-Path', 'Message-ID', 'Status', 'Use-Nickname'] as const;
/** To-Path and From-Path: every request and response (RFC 4975 section 7.1.1). */
const REQUIRED_ALWAYS = 0b11;

/**
 * Per-direction state of parseMsrpHeaderBlock: the last path values and their parsed lists, and
 * what the last call saw. One per framer; not shared between directions.
 */
export class MsrpHeadScratch {
  private readonly keys: Uint8Array[] = [];
  private readonly lists: MsrpUriList[] = [];
  private next = 0;
  /** After a parse: which required headers its head named (bits of REQUIRED_HEADERS). */
  requiredSeen = 0;

  /**
   * The parsed list of `text`, whose wire bytes are `bytes[from, to)`: a cached one when the
   * same bytes were seen lately. Compared as bytes: `===` on two substrings of different frames'
   * text goes through the runtime in V8 (measured: several times slower).
   */
  paths(text: string, bytes: Uint8Array, from: number, to: number): MsrpUriList {
    const len = to - from;
    const keys = this.keys;
    outer: for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k.length !== len) continue;
      for (let j = 0; j < len; j++) if (k[j] !== bytes[from + j]) continue outer;
      return this.lists[i]!;
    }
    // The shared cache of msrp-uri.ts first: the other direction has usually parsed it already.
    const list = parseMsrpUriList(text);
    const k = this.next;
    keys[k] = bytes.slice(from, to);
    this.lists[k] = list;
    this.next = (k + 1) % PATH_CACHE;
    return list;
  }

  /**
   * RFC 4975 sections 7.1.1, 7.1.2, 7.2; RFC 4976 section 5; RFC 7701 section 5: reports each
   * header `method` (null: a response) needs that the last head did not name (a header is
   * present when named, whatever its value).
   */
  reportMissing(anomalies: AnomalySink, method: string | null, frameNo: number): void {
    let want = REQUIRED_ALWAYS;
    if (method === 'SEND' || method === 'REPORT') want |= 1 << 2;
    if (method === 'REPORT') want |= 1 << 3;
    if (method === 'NICKNAME') want |= 1 << 4;
    const missing = want & ~this.requiredSeen;
    if (missing === 0) return;
    for (let i = 0; i < REQUIRED_HEADERS.length; i++) if (missing & (1 << i)) anomalies.report('msrp.missing_header', frameNo, `${method ?? 'response'} ${REQUIRED_HEADERS[i]}`);
  }
}
