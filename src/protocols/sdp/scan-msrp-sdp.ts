/**
 * The fast path of SDP parsing for correlation (issue 13): what a party's SDP says about its
 * MSRP media (./session-description.ts {@link MsrpSdpView}), read in one pass without building
 * the full model (every attribute object, origin, timing, formats) that {@link parseSdp} builds.
 *
 * It answers only when it is sure: when the SDP is one that {@link parseSdp} parses without
 * reporting any anomaly, it returns what parseSdp would have said about the fields
 * correlation reads; for anything else (a line parseSdp reports, a non-ASCII byte, a cap
 * reached, an MSRP attribute it would reject) it returns null and the caller runs parseSdp,
 * which reports. So the anomalies and the result never depend on which path ran
 * (test/fuzz/sdp-msrp-scan.property.test.ts compares the two on generated, mutated and public
 * SDP). Every rule below cites the parseSdp rule it mirrors (RFC 8866 5 line grammar).
 */
import { isAscii } from 'node:buffer';
import { parseMsrpUri, type MsrpUri } from '../msrp/msrp-uri.js';
import { parseFileDate, parseFileRange, parseFileSelector, type FileSelector } from './file-selector.js';
import { MAX_SDP_ATTRIBUTES, MAX_SDP_MEDIA } from './parse-sdp.js';
import { isMsrpProto, type MsrpSdpView, type SdpDirection } from './session-description.js';

/** One m= section as the scan sees it. */
interface ScanMedia {
  readonly media: string;
  readonly port: number;
  readonly proto: string;
  connection: { readonly address: string } | null;
  direction: SdpDirection | null;
  attributeCount: number;
  /** First value of each attribute parseSdp's MSRP reading looks at (undefined: absent; null: no `:value`). */
  readonly first: Map<string, string | null>;
  msrp: { readonly path: readonly MsrpUri[]; readonly cema: boolean; readonly fileSelector: FileSelector | null } | null;
}

/** Attributes whose first value an MSRP section's reading needs (parse-sdp.ts buildMsrp). */
const READ: ReadonlySet<string> = new Set(['path', 'max-size', 'setup', 'connection', 'msrp-cema', 'file-selector', 'file-transfer-id', 'file-disposition', 'file-date', 'file-icon', 'file-range']);
const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const SETUPS: ReadonlySet<string> = new Set(['active', 'passive', 'actpass', 'holdconn']);
const MEDIA_RE = /^([^ ]+) ([0-9]{1,5})(?:\/([0-9]{1,5}))? ([^ ]+)(?: +(.*))?$/;
const CONN_RE = /^([^ ]+) ([^ ]+) ([^ ]+)$/;
const TIME_RE = /^([0-9]{1,20}) +([0-9]{1,20})$/;
const ATTR_NAME_RE = /^[A-Za-z0-9!#$%&'*+.^_`{|}~-]+$/;
const DIGITS_RE = /^[0-9]{1,15}$/;
const WORDS_RE = /[ \t]+/;

/**
 * The MSRP view of `bytes`, or null when {@link parseSdp} must run (it would report an anomaly,
 * or the SDP is not plain ASCII).
 * @remarks The strings are slices of a copy of `bytes`: `bytes` may be reused after the call.
 */
export function scanMsrpSdp(bytes: Uint8Array): MsrpSdpView | null {
  // parseSdp decodes UTF-8; for ASCII that is one char per byte, as below. (Native: a loop over
  // the bytes was a third of this function's time, run mostly unoptimised at SIP message rates.)
  if (!isAscii(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let connection: { readonly address: string } | null = null;
  let direction: SdpDirection | null = null;
  let sessionAttributes = 0;
  let sessionSetup: string | null | undefined;
  let sessionConnection: string | null | undefined;
  const media: ScanMedia[] = [];
  let cur: ScanMedia | null = null;
  let firstType = 0;
  let origin = false;
  let sessionName = false;
  let timing = false;
  let p = 0;
  while (p < text.length) {
    // parseSdp: split at LF, one trailing CR dropped, empty lines skipped.
    let lf = text.indexOf('\n', p);
    if (lf < 0) lf = text.length;
    let end = lf;
    if (end > p && text.charCodeAt(end - 1) === 0x0d) end--;
    const start = p;
    p = lf + 1;
    if (end === start) continue;
    const type = text.charCodeAt(start);
    // A line that is no `<letter>=`: parseSdp reports it (sdp.bad_line).
    if (end - start < 2 || text.charCodeAt(start + 1) !== 0x3d || type < 0x61 || type > 0x7a) return null;
    if (firstType === 0) firstType = type;
    switch (type) {
      case 0x6f /* o */:
        // Six fields (sdp.bad_origin otherwise).
        if (
          text
            .slice(start + 2, end)
            .trim()
            .split(/ +/).length !== 6
        )
          return null;
        origin = true;
        break;
      case 0x73 /* s */:
        if (cur === null) sessionName = true;
        break;
      case 0x63 /* c */:
        {
          const m = CONN_RE.exec(text.slice(start + 2, end).trim());
          if (m === null) return null; // sdp.bad_connection
          const c = { address: m[3]!.split('/')[0]! };
          if (cur === null) connection = c;
          else if (cur.connection === null) cur.connection = c;
          break;
        }
      case 0x74 /* t */:
        if (!TIME_RE.test(text.slice(start + 2, end).trim())) return null; // sdp.bad_line
        timing = true;
        break;
      case 0x6d /* m */:
        {
          if (media.length >= MAX_SDP_MEDIA) return null; // sdp.too_many_media, or read past the cap
          const m = MEDIA_RE.exec(text.slice(start + 2, end).trim());
          if (m === null) return null; // sdp.bad_media_line
          const port = Number(m[2]);
          if (port > 65535) return null;
          cur = { media: m[1]!.toLowerCase(), port, proto: m[4]!, connection: null, direction: null, attributeCount: 0, first: new Map(), msrp: null };
          media.push(cur);
          break;
        }
      case 0x61 /* a */:
        {
          const v = text.slice(start + 2, end);
          const colon = v.indexOf(':');
          const name = colon < 0 ? v.trim() : v.slice(0, colon);
          if (!ATTR_NAME_RE.test(name)) return null; // sdp.bad_line
          // sdp.too_many_attributes, or kept past the cap: parseSdp decides.
          if (cur === null ? sessionAttributes++ >= MAX_SDP_ATTRIBUTES : cur.attributeCount++ >= MAX_SDP_ATTRIBUTES) return null;
          const lname = name.toLowerCase();
          const value = colon < 0 ? null : v.slice(colon + 1);
          if (cur === null) {
            if (lname === 'setup' && sessionSetup === undefined) sessionSetup = value;
            else if (lname === 'connection' && sessionConnection === undefined) sessionConnection = value;
          } else if (READ.has(lname) && !cur.first.has(lname)) cur.first.set(lname, value);
          if (colon < 0 && DIRECTIONS.has(lname)) {
            if (cur === null) direction = lname as SdpDirection;
            else cur.direction = lname as SdpDirection;
          }
          break;
        }
      default:
        // v= (its value is not read here), i=, u e p b r z k and unknown letters: no anomaly.
        break;
    }
  }
  // sdp.empty, sdp.missing_field (RFC 8866 5: v= first; o=, s=, t= mandatory).
  if (firstType !== 0x76 || !origin || !sessionName || !timing) return null;
  for (const m of media) {
    if (m.media !== 'message' || !isMsrpProto(m.proto)) continue;
    const msrp = readMsrp(m.first, sessionSetup, sessionConnection);
    if (msrp === null) return null;
    m.msrp = msrp;
  }
  return { connection, direction, media };
}

/** parse-sdp.ts buildMsrp for a section it reads without an anomaly; null when it would report one. */
function readMsrp(first: ReadonlyMap<string, string | null>, sessionSetup: string | null | undefined, sessionConnection: string | null | undefined): ScanMedia['msrp'] {
  const pathText = first.get('path');
  if (pathText === undefined || pathText === null) return null; // sdp.missing_msrp_path
  const words = pathText.trim().split(WORDS_RE);
  const path: MsrpUri[] = [];
  for (const w of words) {
    if (w.length === 0) continue;
    const u = parseMsrpUri(w);
    if (u === null) return null; // sdp.bad_msrp_path
    path.push(u);
  }
  if (path.length === 0) return null;
  if (first.has('max-size')) {
    const ms = first.get('max-size');
    if (ms === null || ms === undefined || !DIGITS_RE.test(ms.trim())) return null;
  }
  // `??`: a media-level attribute without value defers to the session level, as in buildMsrp.
  const st = first.get('setup') ?? sessionSetup;
  if (st !== undefined && !SETUPS.has((st ?? '').trim().toLowerCase())) return null;
  const cn = first.get('connection') ?? sessionConnection;
  if (cn !== undefined) {
    const s = (cn ?? '').trim().toLowerCase();
    if (s !== 'new' && s !== 'existing') return null;
  }
  for (const name of ['file-transfer-id', 'file-disposition', 'file-icon']) {
    if (!first.has(name)) continue;
    const v = first.get(name);
    if (v === null || v === undefined || v.trim().length === 0) return null;
  }
  if (first.has('file-date')) {
    const v = first.get('file-date');
    if (v === null || v === undefined || parseFileDate(v) === null) return null;
  }
  if (first.has('file-range')) {
    const v = first.get('file-range');
    if (v === null || v === undefined || parseFileRange(v) === null) return null;
  }
  let fileSelector: FileSelector | null = null;
  if (first.has('file-selector')) {
    const v = first.get('file-selector');
    if (v === null || v === undefined) return null;
    fileSelector = parseFileSelector(v);
    if (fileSelector === null) return null;
  }
  return { path, cema: first.has('msrp-cema'), fileSelector };
}
