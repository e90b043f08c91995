/**
 * SDP parser (RFC 8866) for the session descriptions SIP carries, with the MSRP media
 * attributes (RFC 4975 8, RFC 6135, RFC 6714, RFC 5547).
 *
 * ```
 * session:  v= o= s= [i=] [u=] [e=] [p=] [c=] [b=]* (t= [r=]*)+ [z=] [k=] [a=]*
 * media:    (m= [i=] [c=]* [b=]* [k=] [a=]*)*
 * ```
 *
 * The parser accepts the fields in any order (a tap must not lose a session because a UA
 * reordered lines) and reports what breaks the line grammar. Lines are `<letter>=<value>`
 * (RFC 8866 5: no white space around `=`), ended by CRLF or LF.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { parseFileDate, parseFileRange, parseFileSelector } from './file-selector.js';
import { parseMsrpUri, type MsrpUri } from '../msrp/msrp-uri.js';
import { isMsrpProto, sdpAttribute, type MsrpMedia, type SdpAttribute, type SdpConnection, type SdpDirection, type SdpMedia, type SdpOrigin, type SdpSetup, type SdpTiming, type SessionDescription } from './session-description.js';

/**
 * Media sections kept; more are ignored and reported (`sdp.too_many_media`), except that
 * {@link MAX_SDP_MESSAGE_MEDIA_PAST_CAP} more m=message sections (the MSRP ones, RFC 4975 8)
 * are still read: junk sections before them must not hide the session.
 */
export const MAX_SDP_MEDIA = 64;
export const MAX_SDP_MESSAGE_MEDIA_PAST_CAP = 4;
/**
 * Attributes kept per section; past them only the first of each {@link MSRP_SDP_ATTRIBUTES}
 * is kept, the rest reported (`sdp.too_many_attributes`).
 */
export const MAX_SDP_ATTRIBUTES = 256;

/**
 * What correlation and the records read of a section (RFC 4975 8 path/accept-types/max-size,
 * RFC 6135 setup/connection, RFC 6714 msrp-cema, RFC 5547 file-*, RFC 4574 label, RFC 8866 6.7
 * direction): read wherever they are.
 */
const MSRP_SDP_ATTRIBUTES: ReadonlySet<string> = new Set([
  'path',
  'accept-types',
  'accept-wrapped-types',
  'max-size',
  'setup',
  'connection',
  'msrp-cema',
  'label',
  'file-selector',
  'file-transfer-id',
  'file-disposition',
  'file-date',
  'file-icon',
  'file-range',
  'sendrecv',
  'sendonly',
  'recvonly',
  'inactive',
]);

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const SETUPS: ReadonlySet<string> = new Set(['active', 'passive', 'actpass', 'holdconn']);
const MEDIA_RE = /^([^ ]+) ([0-9]{1,5})(?:\/([0-9]{1,5}))? ([^ ]+)(?: +(.*))?$/;
const CONN_RE = /^([^ ]+) ([^ ]+) ([^ ]+)$/;
const TIME_RE = /^([0-9]{1,20}) +([0-9]{1,20})$/;
const ATTR_NAME_RE = /^[A-Za-z0-9!#$%&'*+.^_`{|}~-]+$/;

interface MediaBuilder {
  media: string;
  port: number;
  portCount: number | null;
  proto: string;
  formats: string[];
  information: string | null;
  connection: SdpConnection | null;
  direction: SdpDirection | null;
  attributes: SdpAttribute[];
  /** Names kept past MAX_SDP_ATTRIBUTES (one each). */
  pastCap?: Set<string>;
}

function parseConnection(v: string): SdpConnection | null {
  const m = CONN_RE.exec(v.trim());
  if (m === null) return null;
  const parts = m[3]!.split('/');
  const ttl = parts[1] !== undefined && /^[0-9]+$/.test(parts[1]) ? Number(parts[1]) : null;
  const count = parts[2] !== undefined && /^[0-9]+$/.test(parts[2]) ? Number(parts[2]) : null;
  return { netType: m[1]!, addrType: m[2]!.toUpperCase(), address: parts[0]!, ttl, count };
}

/**
 * Parses a session description.
 *
 * @param bytes the SDP body (e.g. from {@link findSdp}); read only during the call.
 * @param sink receives `sdp.*` anomalies, with `frameNo` when given.
 * @returns the description, or null when no line has the `<letter>=` form (`sdp.empty`).
 */
export function parseSdp(bytes: Uint8Array, sink: AnomalySink, frameNo?: number): SessionDescription | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  const lines = text.split('\n');
  let version: number | null = null;
  let origin: SdpOrigin | null = null;
  let sessionName: string | null = null;
  let information: string | null = null;
  let connection: SdpConnection | null = null;
  const timing: SdpTiming[] = [];
  let direction: SdpDirection | null = null;
  const attributes: SdpAttribute[] = [];
  const media: MediaBuilder[] = [];
  let cur: MediaBuilder | null = null;
  let valid = 0;
  let firstType = '';
  let badLines = 0;
  let firstBad = 0;
  let ignoredMedia = 0;
  let droppedAttributes = 0;
  let skipSection = false;
  let messageMediaPastCap = 0;
  /** Session-level names kept past MAX_SDP_ATTRIBUTES. */
  const sessionPastCap = new Set<string>();

  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue;
    const type = line.charCodeAt(0);
    if (line.length < 2 || line.charCodeAt(1) !== 0x3d /* = */ || type < 0x61 || type > 0x7a) {
      if (badLines++ === 0) firstBad = n + 1;
      continue;
    }
    valid++;
    const t = line[0]!;
    if (firstType === '') firstType = t;
    const v = line.slice(2);
    if (skipSection && t !== 'm') continue; // lines of a section beyond MAX_SDP_MEDIA
    switch (t) {
      case 'v':
        version = /^[0-9]+$/.test(v.trim()) ? Number(v.trim()) : null;
        break;
      case 'o': {
        const f = v.trim().split(/ +/);
        if (f.length !== 6) sink.report('sdp.bad_origin', frameNo, `line=${n + 1}`);
        else origin = { username: f[0]!, sessionId: f[1]!, sessionVersion: f[2]!, netType: f[3]!, addrType: f[4]!.toUpperCase(), address: f[5]! };
        break;
      }
      case 's':
        if (cur === null) sessionName = v;
        break;
      case 'i':
        if (cur === null) information = v;
        else cur.information = v;
        break;
      case 'c': {
        const c = parseConnection(v);
        if (c === null) sink.report('sdp.bad_connection', frameNo, `line=${n + 1}`);
        else if (cur === null) connection = c;
        else if (cur.connection === null) cur.connection = c; // several c= (multicast): first wins
        break;
      }
      case 't': {
        const m = TIME_RE.exec(v.trim());
        if (m === null) sink.report('sdp.bad_line', frameNo, `line=${n + 1} t`);
        else timing.push({ start: Number(m[1]), stop: Number(m[2]) });
        break;
      }
      case 'm': {
        if (media.length >= MAX_SDP_MEDIA) {
          if (!/^message /i.test(v.trim()) || messageMediaPastCap >= MAX_SDP_MESSAGE_MEDIA_PAST_CAP) {
            ignoredMedia++;
            cur = null;
            skipSection = true;
            break;
          }
          messageMediaPastCap++;
        }
        skipSection = false;
        const m = MEDIA_RE.exec(v.trim());
        let port = 0;
        if (m !== null) port = Number(m[2]);
        if (m === null || port > 65535) sink.report('sdp.bad_media_line', frameNo, `line=${n + 1}`);
        cur = {
          media: m === null ? (v.trim().split(' ')[0] ?? '').toLowerCase() : m[1]!.toLowerCase(),
          port: m === null || port > 65535 ? 0 : port,
          portCount: m?.[3] === undefined ? null : Number(m[3]),
          proto: m?.[4] ?? '',
          formats: m?.[5] === undefined ? [] : m[5].split(/ +/).filter((s) => s.length > 0),
          information: null,
          connection: null,
          direction: null,
          attributes: [],
        };
        media.push(cur);
        break;
      }
      case 'a': {
        const colon = v.indexOf(':');
        const name = colon < 0 ? v.trim() : v.slice(0, colon);
        if (!ATTR_NAME_RE.test(name)) {
          sink.report('sdp.bad_line', frameNo, `line=${n + 1} a`);
          break;
        }
        const list = cur === null ? attributes : cur.attributes;
        const lname = name.toLowerCase();
        if (list.length >= MAX_SDP_ATTRIBUTES) {
          let kept = sessionPastCap;
          if (cur !== null) {
            cur.pastCap ??= new Set();
            kept = cur.pastCap;
          }
          if (!MSRP_SDP_ATTRIBUTES.has(lname) || kept.has(lname)) {
            droppedAttributes++;
            break;
          }
          kept.add(lname);
        }
        list.push({ name, value: colon < 0 ? null : v.slice(colon + 1) });
        if (colon < 0 && DIRECTIONS.has(lname)) {
          if (cur === null) direction = lname as SdpDirection;
          else cur.direction = lname as SdpDirection;
        }
        break;
      }
      default:
        // u e p b r z k and unknown letters: not needed by the tap (RFC 8866 5: ignore unknown).
        break;
    }
  }
  if (badLines > 0) sink.report('sdp.bad_line', frameNo, `line=${firstBad} count=${badLines}`);
  if (droppedAttributes > 0) sink.report('sdp.too_many_attributes', frameNo, `dropped=${droppedAttributes}`);
  if (ignoredMedia > 0) sink.report('sdp.too_many_media', frameNo, `ignored=${ignoredMedia}`);
  if (valid === 0) {
    sink.report('sdp.empty', frameNo);
    return null;
  }
  // RFC 8866 5: v= first; o=, s=, t= mandatory.
  if (firstType !== 'v') sink.report('sdp.missing_field', frameNo, 'v');
  if (origin === null) sink.report('sdp.missing_field', frameNo, 'o');
  if (sessionName === null) sink.report('sdp.missing_field', frameNo, 's');
  if (timing.length === 0) sink.report('sdp.missing_field', frameNo, 't');

  const sessionAttrs = attributes;
  const built: SdpMedia[] = media.map((m, idx) => ({
    media: m.media,
    port: m.port,
    portCount: m.portCount,
    proto: m.proto,
    formats: m.formats,
    information: m.information,
    connection: m.connection,
    direction: m.direction,
    label: sdpAttribute(m.attributes, 'label') ?? null,
    attributes: m.attributes,
    msrp: m.media === 'message' && isMsrpProto(m.proto) ? buildMsrp(m.attributes, sessionAttrs, sink, frameNo, idx) : null,
  }));
  return { version, origin, sessionName, information, connection, timing, direction, attributes: sessionAttrs, media: built };
}

/** Splits an SP-separated list (RFC 4975 9: accept-types, path). */
function words(v: string | null | undefined): string[] {
  if (v === null || v === undefined) return [];
  return v
    .trim()
    .split(/[ \t]+/)
    .filter((s) => s.length > 0);
}

function buildMsrp(attrs: readonly SdpAttribute[], sessionAttrs: readonly SdpAttribute[], sink: AnomalySink, frameNo: number | undefined, mediaIndex: number): MsrpMedia {
  const bad = (what: string): void => sink.report('sdp.bad_attribute', frameNo, `m=${mediaIndex} ${what}`);
  const path: MsrpUri[] = [];
  const pathText = sdpAttribute(attrs, 'path');
  if (pathText === undefined || pathText === null) {
    sink.report('sdp.missing_msrp_path', frameNo, `m=${mediaIndex}`);
  } else {
    const uris = words(pathText);
    let badCount = 0;
    for (const w of uris) {
      const u = parseMsrpUri(w);
      if (u === null) badCount++;
      else path.push(u);
    }
    if (badCount > 0 || uris.length === 0) sink.report('sdp.bad_msrp_path', frameNo, `m=${mediaIndex} bad=${badCount} of=${uris.length}`);
  }
  let maxSize: number | null = null;
  const ms = sdpAttribute(attrs, 'max-size');
  if (ms !== undefined) {
    if (ms !== null && /^[0-9]{1,15}$/.test(ms.trim())) maxSize = Number(ms.trim());
    else bad('max-size');
  }
  let setup: SdpSetup | null = null;
  const st = sdpAttribute(attrs, 'setup') ?? sdpAttribute(sessionAttrs, 'setup');
  if (st !== undefined) {
    const s = (st ?? '').trim().toLowerCase();
    if (SETUPS.has(s)) setup = s as SdpSetup;
    else bad('setup');
  }
  let tcpConnection: 'new' | 'existing' | null = null;
  const cn = sdpAttribute(attrs, 'connection') ?? sdpAttribute(sessionAttrs, 'connection');
  if (cn !== undefined) {
    const s = (cn ?? '').trim().toLowerCase();
    if (s === 'new' || s === 'existing') tcpConnection = s;
    else bad('connection');
  }
  const optional = <T>(name: string, parse: (v: string) => T | null): T | null => {
    const v = sdpAttribute(attrs, name);
    if (v === undefined) return null;
    const r = v === null ? null : parse(v);
    if (r === null) bad(name);
    return r;
  };
  const token = (v: string): string | null => (v.trim().length > 0 ? v.trim() : null);
  return {
    path,
    acceptTypes: words(sdpAttribute(attrs, 'accept-types')),
    acceptWrappedTypes: words(sdpAttribute(attrs, 'accept-wrapped-types')),
    maxSize,
    setup,
    tcpConnection,
    cema: sdpAttribute(attrs, 'msrp-cema') !== undefined,
    fileSelector: optional('file-selector', parseFileSelector),
    fileTransferId: optional('file-transfer-id', token),
    fileDisposition: optional('file-disposition', token),
    fileDate: optional('file-date', parseFileDate),
    fileIcon: optional('file-icon', token),
    fileRange: optional('file-range', parseFileRange),
  };
}
