/**
 * The HTTP/1.1 head of a WebSocket opening handshake (RFC 6455 section 4): the client's
 * `GET ... HTTP/1.1` request with `Upgrade: websocket`, and the server's `101` answer naming the
 * subprotocol (`Sec-WebSocket-Protocol`, RFC 6455 4.2.2; `sip` per RFC 7118 section 4, `msrp`
 * per RFC 7977 section 4) and the extensions it accepted (`Sec-WebSocket-Extensions`, RFC 7692
 * section 5 for permessage-deflate). Pure; only names and parameters are kept, never values of
 * other headers (they may carry identities or credentials).
 */
import { latin1 } from '../../util/bytes.js';

/** Largest handshake head examined (RFC 6455 gives none; browsers send well under 4 KiB). */
export const MAX_HTTP_HEAD = 16 * 1024;

export const HeadStatus = { NEED_MORE: 0, DONE: 1, NOT_HTTP: 2, TOO_LARGE: 3 } as const;
export type HeadStatusValue = (typeof HeadStatus)[keyof typeof HeadStatus];

/** What the handshake needs of one head. */
export interface HttpHead {
  /** Request method (`GET`), or null for a response. */
  readonly method: string | null;
  /** Response status code, or 0 for a request. */
  readonly status: number;
  /** Bytes of the head, the blank line included: the frames start there. */
  readonly length: number;
  /** `Upgrade` has the `websocket` token (case-insensitive, RFC 6455 4.1 item 5 and 4.2.2). */
  readonly upgradeWebSocket: boolean;
  /** `Sec-WebSocket-Protocol` (lower case, trimmed), or '' when absent. */
  readonly protocol: string;
  /** permessage-deflate as negotiated in this head, or null when not offered/accepted. */
  readonly deflate: DeflateParams | null;
}

/** RFC 7692 section 7.1 parameters that change how a receiver inflates. */
export interface DeflateParams {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
}

const CR = 0x0d;
const LF = 0x0a;

/** Index just past the blank line ending the head in b[0, end), or -1. Bare LF is tolerated. */
function headEnd(b: Uint8Array, end: number): number {
  for (let i = 0; i < end; i++) {
    if (b[i] !== LF) continue;
    if (i + 1 < end && b[i + 1] === LF) return i + 2;
    if (i + 2 < end && b[i + 1] === CR && b[i + 2] === LF) return i + 3;
  }
  return -1;
}

/** First line looks like `METHOD SP target SP HTTP/1.x` or `HTTP/1.x SP 3DIGIT`. Checked on the first bytes. */
export function looksLikeHttpStart(b: Uint8Array, end: number): boolean {
  const n = Math.min(end, 4096);
  let e = 0;
  while (e < n && b[e] !== LF) e++;
  if (e >= n) return false;
  const line = latin1(b, 0, e).replace(/\r$/, '');
  return /^[A-Z]+ \S+ HTTP\/1\.\d$/.test(line) || /^HTTP\/1\.\d \d{3}( |$)/.test(line);
}

/**
 * Parses the head in b[0, end). NOT_HTTP when the first line is no HTTP/1.x request or status
 * line; NEED_MORE until the blank line; TOO_LARGE past {@link MAX_HTTP_HEAD}.
 */
export function parseHttpHead(b: Uint8Array, end: number): { status: HeadStatusValue; head: HttpHead | null } {
  const stop = headEnd(b, Math.min(end, MAX_HTTP_HEAD));
  if (stop < 0) {
    if (end > 0 && !couldBeHttp(b, end)) return { status: HeadStatus.NOT_HTTP, head: null };
    return { status: end >= MAX_HTTP_HEAD ? HeadStatus.TOO_LARGE : HeadStatus.NEED_MORE, head: null };
  }
  const lines = latin1(b, 0, stop).split(/\r?\n/);
  const first = lines[0]!;
  const req = /^([A-Z]+) \S+ HTTP\/1\.\d$/.exec(first);
  const resp = /^HTTP\/1\.\d (\d{3})(?: .*)?$/.exec(first);
  if (req === null && resp === null) return { status: HeadStatus.NOT_HTTP, head: null };
  let upgrade = false;
  let protocol = '';
  let ext = '';
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const name = l.slice(0, c).trim().toLowerCase();
    const value = l.slice(c + 1).trim();
    if (name === 'upgrade') upgrade ||= value.split(',').some((t) => t.trim().toLowerCase() === 'websocket');
    else if (name === 'sec-websocket-protocol') protocol = protocol === '' ? value.toLowerCase() : `${protocol}, ${value.toLowerCase()}`;
    else if (name === 'sec-websocket-extensions') ext = ext === '' ? value : `${ext}, ${value}`;
  }
  return {
    status: HeadStatus.DONE,
    head: {
      method: req !== null ? req[1]! : null,
      status: resp !== null ? Number(resp[1]) : 0,
      length: stop,
      upgradeWebSocket: upgrade,
      protocol,
      deflate: parseDeflate(ext),
    },
  };
}

/** A prefix that may still become an HTTP line (so a partial head is not refused too early). */
function couldBeHttp(b: Uint8Array, end: number): boolean {
  let e = 0;
  while (e < end && b[e] !== LF) e++;
  if (e < end) return looksLikeHttpStart(b, end);
  // Whole first line not there yet: method letters or "HTTP/" so far.
  const s = latin1(b, 0, Math.min(end, 16));
  return /^[A-Z]+( |$)/.test(s) || 'HTTP/1.'.startsWith(s.slice(0, 7));
}

/**
 * The first permessage-deflate element of an extensions header (RFC 7692 section 5: the
 * server's answer holds the one accepted; in an offer, the first is the preferred one).
 */
function parseDeflate(ext: string): DeflateParams | null {
  for (const element of ext.split(',')) {
    const parts = element.split(';').map((p) => p.trim().toLowerCase());
    if (parts[0] !== 'permessage-deflate') continue;
    const names = parts.slice(1).map((p) => p.split('=', 1)[0]!.trim());
    return { serverNoContextTakeover: names.includes('server_no_context_takeover'), clientNoContextTakeover: names.includes('client_no_context_takeover') };
  }
  return null;
}
