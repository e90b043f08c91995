/**
 * Message bodies of RCS / IMS messaging for sample payloads: CPIM (RFC 3862) wrappers with the
 * IMDN namespace (RFC 5438), IMDN delivery/display notifications, isComposing (RFC 3994), and
 * multipart/mixed bodies (RFC 2046 section 5.1) as used by RCS group-chat INVITEs. Every builder
 * returns the exact bytes plus the parts a test needs to check them (inner body, boundaries).
 */

/** Header list: [name, value] pairs, kept in order. */
export type MimeHeaders = readonly (readonly [string, string])[];

export interface CpimOptions {
  /** CPIM message headers (RFC 3862 section 3), in order, e.g. From, To, DateTime, NS, imdn.*. */
  headers: MimeHeaders;
  /** Content headers of the encapsulated MIME object (Content-Type first). */
  contentHeaders: MimeHeaders;
  body: string | Uint8Array;
}

/** A built CPIM message: `bytes` is the whole message/cpim body, `inner` the encapsulated content. */
export interface CpimMessage {
  bytes: Uint8Array;
  inner: Uint8Array;
}

const toBytes = (b: string | Uint8Array): Uint8Array => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);
const headerBlock = (h: MimeHeaders): string => h.map(([n, v]) => `${n}: ${v}\r\n`).join('');

/**
 * message/cpim (RFC 3862 section 2): message headers, a blank line, the MIME content headers,
 * a blank line, the content.
 */
export function cpimMessage(o: CpimOptions): CpimMessage {
  const inner = toBytes(o.body);
  const head = Buffer.from(`${headerBlock(o.headers)}\r\n${headerBlock(o.contentHeaders)}\r\n`, 'utf8');
  return { bytes: Buffer.concat([head, inner]), inner };
}

export interface ImdnOptions {
  /** imdn.Message-ID of the message being notified about. */
  messageId: string;
  /** RFC 3339 date-time of the notification. */
  dateTime: string;
  recipientUri?: string;
  /** Which notification; default delivery/delivered. */
  kind?: 'delivery' | 'display';
  status?: 'delivered' | 'failed' | 'displayed';
}

/** An IMDN document (RFC 5438 section 7.1, namespace urn:ietf:params:xml:ns:imdn). */
export function imdnXml(o: ImdnOptions): string {
  const kind = o.kind ?? 'delivery';
  const status = o.status ?? (kind === 'display' ? 'displayed' : 'delivered');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<imdn xmlns="urn:ietf:params:xml:ns:imdn">',
    `<message-id>${o.messageId}</message-id>`,
    `<datetime>${o.dateTime}</datetime>`,
    ...(o.recipientUri !== undefined ? [`<recipient-uri>${o.recipientUri}</recipient-uri>`, `<original-recipient-uri>${o.recipientUri}</original-recipient-uri>`] : []),
    `<${kind}-notification><status><${status}/></status></${kind}-notification>`,
    '</imdn>',
  ].join('\r\n');
}

/** An isComposing status document (RFC 3994 section 3, urn:ietf:params:xml:ns:im-iscomposing). */
export function isComposingXml(o: { state: 'active' | 'idle'; contentType?: string; refresh?: number; lastActive?: string }): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    `<state>${o.state}</state>`,
    ...(o.lastActive !== undefined ? [`<lastactive>${o.lastActive}</lastactive>`] : []),
    `<contenttype>${o.contentType ?? 'text/plain'}</contenttype>`,
    ...(o.refresh !== undefined ? [`<refresh>${o.refresh}</refresh>`] : []),
    '</isComposing>',
  ].join('\r\n');
}

/** One body part of a multipart body. */
export interface MimePart {
  headers: MimeHeaders;
  body: string | Uint8Array;
}

/**
 * A multipart body (RFC 2046 section 5.1.1): `--boundary` before each part, `--boundary--`
 * after the last. The CRLF preceding each delimiter belongs to the delimiter, not to the part.
 */
export function multipartBody(boundary: string, parts: readonly MimePart[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${headerBlock(p.headers)}\r\n`, 'utf8'), toBytes(p.body), Buffer.from('\r\n', 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return Buffer.concat(chunks);
}
