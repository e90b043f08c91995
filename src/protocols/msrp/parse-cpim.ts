/**
 * message/cpim (RFC 3862), the wrapper RCS and IMDN (RFC 5438) put around MSRP message bodies:
 *
 *   [outer MIME headers CRLF]          Content-Type: message/cpim (when the object is self-contained)
 *   CPIM message headers CRLF          From, To, cc, DateTime, Subject, NS, Require, prefixed headers
 *   encapsulated MIME headers CRLF     Content-Type, Content-ID, Content-Length, ...
 *   content
 *
 * CPIM header syntax (section 3.1): `[prefix "."] Name ":" *(";" Parameter) SP Value`. Names
 * without a prefix belong to the CPIM namespace `urn:ietf:params:cpim-headers:`; a prefix is bound
 * by `NS: prefix <uri>` (section 3.3.7), e.g. `NS: imdn <urn:ietf:params:imdn>`.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { headerValue, parseContentType, parseHeaderBlock, type MimeHeaderField } from './mime-header-block.js';

/** Namespace of unprefixed CPIM headers (RFC 3862 section 3.2). */
export const CPIM_HEADERS_NS = 'urn:ietf:params:cpim-headers:';
/** Namespace RFC 5438 section 7.1.1 binds for its CPIM headers (imdn.Message-ID, ...). */
export const IMDN_CPIM_NS = 'urn:ietf:params:imdn';

/** `[Formal-name] <URI>` (section 3.3.1). */
export interface CpimAddress {
  readonly name: string | null;
  readonly uri: string;
}

/** One CPIM header with its namespace resolved. */
export interface CpimHeader {
  /** Name without prefix, as written. */
  readonly name: string;
  readonly prefix: string | null;
  /** Namespace URI, or null for a prefix no NS header declares. */
  readonly namespace: string | null;
  readonly value: string;
  /** `;name=value` header parameters (e.g. `lang` on Subject). */
  readonly params: ReadonlyMap<string, string>;
}

/** A parsed message/cpim body. */
export interface CpimMessage {
  /** Outer MIME headers when the object starts with its own `Content-Type: message/cpim`. */
  readonly outerHeaders: readonly MimeHeaderField[];
  /** Every CPIM message header, in order. */
  readonly headers: readonly CpimHeader[];
  readonly namespaces: readonly { readonly prefix: string | null; readonly uri: string }[];
  readonly from: CpimAddress | null;
  readonly to: readonly CpimAddress[];
  readonly cc: readonly CpimAddress[];
  readonly dateTime: string | null;
  readonly subjects: readonly { readonly lang: string | null; readonly value: string }[];
  /** RFC 5438 headers in the `urn:ietf:params:imdn` namespace. */
  readonly imdn: {
    readonly messageId: string | null;
    /** Disposition-Notification tokens, lower-cased (positive-delivery, negative-delivery, display, processing). */
    readonly dispositionNotification: readonly string[];
  };
  /** Encapsulated MIME headers. */
  readonly contentHeaders: readonly MimeHeaderField[];
  /** Encapsulated media type (lower-cased `type/subtype`), or null. */
  readonly contentType: string | null;
  /** Encapsulated content: a view of the input (copy it to keep it past the input's life). */
  readonly body: Uint8Array;
}

export interface CpimParseOptions {
  /** Cap on each header block (default 16 KiB). */
  readonly maxHeaderBytes?: number;
}

const ADDRESS = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^<>]*)>\s*$/;

/** Parses `[Formal-name] <URI>`; null without `<URI>`. */
export function parseCpimAddress(value: string): CpimAddress | null {
  const m = ADDRESS.exec(value);
  if (m === null || m[3]!.trim() === '') return null;
  const name = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim();
  return { name: name === '' ? null : name, uri: m[3]!.trim() };
}

/** Values of the headers `name` (case-insensitive) in namespace `ns`. */
export function cpimHeaderValues(msg: CpimMessage, ns: string, name: string): string[] {
  const l = name.toLowerCase();
  return msg.headers.filter((h) => h.namespace === ns && h.name.toLowerCase() === l).map((h) => h.value);
}

/**
 * Parses a message/cpim body.
 *
 * @param bytes the MSRP message body (or its retained head).
 * @returns the message, or null (with an anomaly) when a header block does not end.
 */
export function parseCpim(bytes: Uint8Array, anomalies?: AnomalySink, frameNo?: number, options: CpimParseOptions = {}): CpimMessage | null {
  const max = options.maxHeaderBytes ?? 16 * 1024;
  let block = parseHeaderBlock(bytes, 0, max);
  if (!('fields' in block)) {
    anomalies?.report(block.tooLarge ? 'cpim.headers_too_large' : 'cpim.no_header_end', frameNo);
    return null;
  }
  let outerHeaders: MimeHeaderField[] = [];
  // A self-contained object starts with its own MIME headers (section 2): recognised by a
  // Content-Type of message/cpim and no CPIM header (From/To/NS/DateTime) in the first block.
  const outerCt = headerValue(block.fields, 'content-type');
  if (outerCt !== null && parseContentType(outerCt)?.mediaType === 'message/cpim' && !block.fields.some((f) => /^(from|to|ns|datetime)$/i.test(f.name))) {
    outerHeaders = block.fields;
    const next = parseHeaderBlock(bytes, block.end, max);
    if (!('fields' in next)) {
      anomalies?.report(next.tooLarge ? 'cpim.headers_too_large' : 'cpim.no_header_end', frameNo);
      return null;
    }
    block = next;
  }
  if (block.badLines > 0) anomalies?.report('cpim.bad_header_line', frameNo, `lines=${block.badLines}`);

  // Namespace declarations first (section 3.3.7), so a header may use a prefix declared anywhere.
  const namespaces: { prefix: string | null; uri: string }[] = [];
  const prefixes = new Map<string, string>();
  for (const f of block.fields) {
    if (f.name !== 'NS' && f.name.toLowerCase() !== 'ns') continue;
    const m = /^\s*(?:([A-Za-z0-9\-_]+)\s+)?<([^<>]+)>\s*$/.exec(f.value);
    if (m === null) {
      anomalies?.report('cpim.bad_ns_declaration', frameNo);
      continue;
    }
    const prefix = m[1] ?? null;
    namespaces.push({ prefix, uri: m[2]! });
    if (prefix !== null) prefixes.set(prefix, m[2]!);
  }

  const headers: CpimHeader[] = [];
  for (const f of block.fields) {
    const dot = f.name.indexOf('.');
    const prefix = dot > 0 ? f.name.slice(0, dot) : null;
    const name = dot > 0 ? f.name.slice(dot + 1) : f.name;
    let namespace: string | null = CPIM_HEADERS_NS;
    if (prefix !== null) {
      namespace = prefixes.get(prefix) ?? null;
      if (namespace === null) anomalies?.report('cpim.undeclared_prefix', frameNo);
    }
    // Header parameters come right after the colon: "Subject:;lang=fr Bonjour" (section 3.1).
    let v = f.value;
    const params = new Map<string, string>();
    while (v.startsWith(';')) {
      const m = /^;([A-Za-z0-9\-_]+)=([^;\s]*)/.exec(v);
      if (m === null) break;
      params.set(m[1]!.toLowerCase(), m[2]!);
      v = v.slice(m[0].length);
    }
    headers.push({ name, prefix, namespace, value: v.trim(), params });
  }

  const core = (n: string): CpimHeader[] => headers.filter((h) => h.namespace === CPIM_HEADERS_NS && h.name.toLowerCase() === n);
  const addr = (h: CpimHeader): CpimAddress | null => {
    const a = parseCpimAddress(h.value);
    if (a === null) anomalies?.report('cpim.bad_address', frameNo, `header=${h.name}`);
    return a;
  };
  const fromH = core('from')[0];
  const from = fromH === undefined ? null : addr(fromH);
  const to = core('to')
    .map(addr)
    .filter((a): a is CpimAddress => a !== null);
  const cc = core('cc')
    .map(addr)
    .filter((a): a is CpimAddress => a !== null);
  const dateTime = core('datetime')[0]?.value ?? null;
  const subjects = core('subject').map((h) => ({ lang: h.params.get('lang') ?? null, value: h.value }));
  const imdnOf = (n: string): CpimHeader[] => headers.filter((h) => h.namespace === IMDN_CPIM_NS && h.name.toLowerCase() === n);
  const imdnMessageId = imdnOf('message-id')[0]?.value ?? null;
  const dispositionNotification = imdnOf('disposition-notification')
    .flatMap((h) => h.value.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');

  const content = parseHeaderBlock(bytes, block.end, max);
  if (!('fields' in content)) {
    anomalies?.report(content.tooLarge ? 'cpim.headers_too_large' : 'cpim.no_content_headers_end', frameNo);
    return null;
  }
  if (content.badLines > 0) anomalies?.report('cpim.bad_header_line', frameNo, `lines=${content.badLines}`);
  let body = bytes.subarray(content.end);
  const cl = headerValue(content.fields, 'content-length');
  if (cl !== null) {
    const n = /^[0-9]{1,12}$/.test(cl) ? Number(cl) : NaN;
    if (n !== body.length) {
      anomalies?.report('cpim.content_length_mismatch', frameNo, `declared=${cl.length <= 12 ? cl : 'invalid'} present=${body.length}`);
      if (n < body.length) body = body.subarray(0, n);
    }
  }
  const ct = headerValue(content.fields, 'content-type');
  return {
    outerHeaders,
    headers,
    namespaces,
    from,
    to,
    cc,
    dateTime,
    subjects,
    imdn: { messageId: imdnMessageId, dispositionNotification },
    contentHeaders: content.fields.map((f) => ({ name: f.name, value: f.value.trim() })),
    contentType: ct === null ? null : (parseContentType(ct)?.mediaType ?? null),
    body,
  };
}
