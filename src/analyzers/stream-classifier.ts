/**
 * Decides from the first bytes of a TCP stream direction whether it carries MSRP, SIP or
 * neither. MSRP runs on whatever port the SDP negotiated (RFC 4975 section 8.1), so the
 * decision is by content, never by port: an MSRP frame starts with `MSRP SP transact-id SP`
 * (section 7.1), a SIP message with a request line or `SIP/2.0 NNN` (RFC 3261 section 7.1).
 *
 * TLS (RFC 8446 5.1, RFC 5246 6.2.1) is recognised the same way, by its first record (a
 * handshake record: the ClientHello), on any port: SIP over TLS on 5061 and MSRP over TLS on the
 * SDP's port alike; only at the true start, since a TLS connection joined mid-way cannot be
 * decrypted.
 *
 * A stream joined mid-way (no SYN, or after a gap) may start inside a body, so the classifier
 * then looks for such a line anywhere in the first bytes; the framers resynchronise there.
 */
import { looksLikeSipStartLine } from '../protocols/sip/index.js';
import { looksLikeTlsStart } from '../protocols/tls/index.js';
import { looksLikeHttpStart } from '../protocols/websocket/index.js';

/**
 * HTTP: an HTTP/1.x start line at the true start, perhaps a WebSocket handshake (RFC 6455 section 4) on any port.
 * TLS: a TLS handshake record at the true start (a ClientHello, or a ServerHello in the other direction).
 * LATE: joined mid-way with no start line in the window: still searched for an MSRP start line
 * (./late-msrp-scanner.ts), without holding its bytes, for the rest of its life.
 */
export const StreamKind = { UNDECIDED: 0, MSRP: 1, SIP: 2, OTHER: 3, HTTP: 4, TLS: 5, LATE: 6 } as const;
export type StreamKindValue = (typeof StreamKind)[keyof typeof StreamKind];

/**
 * How many bytes of a stream direction are held and examined before deciding. A direction whose
 * true start was seen is then given up; one joined mid-way goes on being searched for an MSRP
 * start line (StreamKind.LATE), SIP only within this window (see app-stream-consumer.ts).
 */
export const CLASSIFY_WINDOW = 4096;

const M = 0x4d;
const S = 0x53;
const R = 0x52;
const P = 0x50;
const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
/** TLS ContentType handshake (RFC 8446 5.1): never the first byte of a SIP or MSRP stream. */
const TLS_HANDSHAKE = 22;

/** `MSRP ` at `i`, followed by a transaction-id character (RFC 4975 ident: alnum first). */
function msrpAt(b: Uint8Array, i: number, end: number): 0 | 1 | 2 {
  // 0 = no, 1 = yes, 2 = need more bytes
  const prefix = [M, S, R, P, SP];
  for (let k = 0; k < 5; k++) {
    if (i + k >= end) return 2;
    if (b[i + k] !== prefix[k]) return 0;
  }
  if (i + 5 >= end) return 2;
  const c = b[i + 5]!;
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 1 : 0;
}

/** SIP start line in b[i, lineEnd) (strict form, so prose mentioning SIP/2.0 is not taken). */
function sipLineAt(b: Uint8Array, i: number, end: number): 0 | 1 | 2 {
  if (i >= end) return 2;
  const c = b[i]! | 0x20; // methods and "SIP/2.0" start with a letter
  if (c < 0x61 || c > 0x7a) return 0;
  let e = i;
  while (e < end && b[e] !== LF) e++;
  if (e >= end) return end - i > 8192 ? 0 : 2;
  return looksLikeSipStartLine(b, i, e, true) ? 1 : 0;
}

/**
 * Classifies `b[0, end)`, the first bytes of a direction. `atStart` is true when these bytes are
 * the true start of the stream (SYN seen, no gap), so the first line must be the protocol's.
 * `tls`: recognise TLS (the caller handles it); false for plaintext decrypted from TLS.
 */
export function classifyStream(b: Uint8Array, end: number, atStart: boolean, tls = false): StreamKindValue {
  if (atStart) {
    if (tls && end > 0 && b[0] === TLS_HANDSHAKE) {
      const t = looksLikeTlsStart(b, end);
      if (t === 1) return StreamKind.TLS;
      if (t === 2) return StreamKind.UNDECIDED;
    }
    let i = 0;
    // SIP keep-alives (RFC 5626 section 3.5.1: CRLF) may precede the first message.
    while (i < end && (b[i] === CR || b[i] === LF)) i++;
    if (i >= end) return end >= CLASSIFY_WINDOW ? StreamKind.OTHER : StreamKind.UNDECIDED;
    const m = msrpAt(b, i, end);
    if (m === 1) return StreamKind.MSRP;
    const s = sipLineAt(b, i, end);
    if (s === 1) return StreamKind.SIP;
    if (m === 2 || s === 2) return end >= CLASSIFY_WINDOW ? StreamKind.OTHER : StreamKind.UNDECIDED;
    // Only a seen handshake opens a WebSocket: mid-stream, frames are not guessed.
    if (i === 0 && looksLikeHttpStart(b, end)) return StreamKind.HTTP;
    return StreamKind.OTHER;
  }
  // Mid-stream: any line start within the window.
  let undecided = false;
  for (let i = 0; i < end; i++) {
    if (i > 0 && b[i - 1] !== LF) continue;
    const m = msrpAt(b, i, end);
    if (m === 1) return StreamKind.MSRP;
    const s = sipLineAt(b, i, end);
    if (s === 1) return StreamKind.SIP;
    if (m === 2 || s === 2) undecided = true;
  }
  if (end >= CLASSIFY_WINDOW) return StreamKind.OTHER;
  return undecided || end < CLASSIFY_WINDOW ? StreamKind.UNDECIDED : StreamKind.OTHER;
}
