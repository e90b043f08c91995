/**
 * The SIP message model (RFC 3261 7): start line, header fields, body. Produced by
 * {@link parseSipMessage} and {@link SipStreamFramer}.
 *
 * Dialog-critical fields (Call-ID, CSeq, From, To, top Via, Content-Type, Content-Length) are
 * parsed once, eagerly, by the parser (which reports their anomalies); the rest (Contact,
 * P-Asserted-Identity, ...) are parsed on first access and cached.
 */
import { canonicalHeaderKey, isListHeader } from './header-names.js';
import type { HeaderField } from './parse-header-fields.js';
import { splitHeaderValues } from './split-header-values.js';
import { parseNameAddr, type NameAddr } from './name-addr.js';
import type { SipCSeq } from './cseq.js';
import type { SipVia } from './via.js';
import type { ContentType } from './content-type.js';

export type { HeaderField } from './parse-header-fields.js';

/** Everything the parser determined; the constructor's argument. */
export interface SipMessageInit {
  readonly raw: Uint8Array;
  readonly body: Uint8Array;
  readonly bodyOffset: number;
  readonly method: string | null;
  readonly requestUri: string | null;
  readonly statusCode: number;
  readonly reason: string | null;
  readonly version: string;
  readonly fields: readonly HeaderField[];
  readonly callId: string | null;
  readonly cseq: SipCSeq | null;
  readonly from: NameAddr | null;
  readonly to: NameAddr | null;
  readonly topVia: SipVia | null;
  readonly contentType: ContentType | null;
  readonly contentLength: number | null;
  readonly frameNo: number | undefined;
  readonly excerpt?: boolean;
}

/**
 * One SIP request or response.
 *
 * @remarks `raw` and `body` alias the bytes the parser was given: for {@link parseSipMessage}
 * that is the caller's buffer (copy `raw` with `slice()` to keep it beyond the packet); the
 * {@link SipStreamFramer} hands out messages over private copies, safe to keep.
 */
export class SipMessage {
  /** The exact bytes of the message (start line to end of body), leading CRLFs excluded. */
  readonly raw: Uint8Array;
  /** The body (a view into `raw`); empty when there is none. */
  readonly body: Uint8Array;
  /** Offset of the body in `raw` (= length of start line + headers + empty line). */
  readonly bodyOffset: number;
  /** Request method (case as written) or null for a response. */
  readonly method: string | null;
  /** Request-URI text, or null for a response. */
  readonly requestUri: string | null;
  /** Status code for a response; 0 for a request. */
  readonly statusCode: number;
  /** Reason phrase for a response (may be empty); null for a request. */
  readonly reason: string | null;
  /** SIP-Version upper-cased, normally `SIP/2.0`. */
  readonly version: string;
  /** All header fields in wire order (offsets relative to `raw`). */
  readonly fields: readonly HeaderField[];
  /** Call-ID value, or null when missing. */
  readonly callId: string | null;
  /** Parsed CSeq, or null when missing or malformed. */
  readonly cseq: SipCSeq | null;
  /** Parsed From, or null when missing or malformed. */
  readonly from: NameAddr | null;
  /** Parsed To, or null when missing or malformed. */
  readonly to: NameAddr | null;
  /** The topmost Via entry, or null when missing or malformed. */
  readonly topVia: SipVia | null;
  /** Parsed Content-Type, or null when missing or malformed. */
  readonly contentType: ContentType | null;
  /** Declared Content-Length, or null when absent or malformed. */
  readonly contentLength: number | null;
  /** Frame number passed to the parser (the completing frame for stream messages). */
  readonly frameNo: number | undefined;
  /**
   * The message was larger than the stream framer's cap: `raw` is an excerpt (start line, the
   * first and the essential headers, the SDP; ./sip-excerpt-collector.ts) and `body` is cut.
   * `contentLength` is still the declared one.
   */
  readonly excerpt: boolean;

  private valuesCache: (string[] | undefined)[] | undefined;
  private nameAddrCache: Map<string, NameAddr[]> | undefined;
  private contactCache: NameAddr[] | undefined;

  constructor(init: SipMessageInit) {
    this.raw = init.raw;
    this.body = init.body;
    this.bodyOffset = init.bodyOffset;
    this.method = init.method;
    this.requestUri = init.requestUri;
    this.statusCode = init.statusCode;
    this.reason = init.reason;
    this.version = init.version;
    this.fields = init.fields;
    this.callId = init.callId;
    this.cseq = init.cseq;
    this.from = init.from;
    this.to = init.to;
    this.topVia = init.topVia;
    this.contentType = init.contentType;
    this.contentLength = init.contentLength;
    this.frameNo = init.frameNo;
    this.excerpt = init.excerpt ?? false;
  }

  /** True for requests. */
  get isRequest(): boolean {
    return this.method !== null;
  }

  /** Values of field `i`: list headers split at commas (RFC 3261 7.3.1), others one value. */
  private fieldValues(i: number): string[] {
    this.valuesCache ??= new Array<string[] | undefined>(this.fields.length);
    const cache = this.valuesCache;
    let v = cache[i];
    if (v === undefined) {
      const f = this.fields[i]!;
      v = isListHeader(f.key) ? splitHeaderValues(f.value) : [f.value];
      cache[i] = v;
    }
    return v;
  }

  /**
   * First value of a header, by canonical or compact name, case-insensitive (`header('i')`,
   * `header('Call-ID')`). For list headers (Via, Contact, Route...) that is the first element.
   * Undefined when absent.
   */
  header(name: string): string | undefined {
    const key = canonicalHeaderKey(name);
    for (let i = 0; i < this.fields.length; i++) {
      if (this.fields[i]!.key !== key) continue;
      const v = this.fieldValues(i);
      if (v.length > 0) return v[0];
    }
    return undefined;
  }

  /**
   * All values of a header in wire order: every header line, and for list headers every
   * comma-separated element of each line (quotes and `<>` respected).
   */
  headers(name: string): string[] {
    const key = canonicalHeaderKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.fields.length; i++) {
      if (this.fields[i]!.key === key) out.push(...this.fieldValues(i));
    }
    return out;
  }

  /** The header fields (not split) with this name, with their offsets into `raw`. */
  headerFields(name: string): HeaderField[] {
    const key = canonicalHeaderKey(name);
    return this.fields.filter((f) => f.key === key);
  }

  private nameAddrs(name: string): NameAddr[] {
    this.nameAddrCache ??= new Map();
    const cache = this.nameAddrCache;
    let list = cache.get(name);
    if (list === undefined) {
      list = [];
      for (const v of this.headers(name)) {
        const na = parseNameAddr(v);
        if (na !== null) list.push(na);
      }
      cache.set(name, list);
    }
    return list;
  }

  /** Contact entries (RFC 3261 20.10); `*` and unparseable entries are left out. */
  get contact(): readonly NameAddr[] {
    this.contactCache ??= this.nameAddrs('contact').filter((n) => n.uriText !== '*');
    return this.contactCache;
  }
  /** P-Asserted-Identity entries (RFC 3325 9.1; several allowed, e.g. a SIP and a TEL URI). */
  get pAssertedIdentity(): readonly NameAddr[] {
    return this.nameAddrs('p-asserted-identity');
  }
  /** P-Preferred-Identity entries (RFC 3325 9.2). */
  get pPreferredIdentity(): readonly NameAddr[] {
    return this.nameAddrs('p-preferred-identity');
  }
  /** Branch of the topmost Via (RFC 3261 8.1.1.7), null when absent. */
  get viaBranch(): string | null {
    return this.topVia?.branch ?? null;
  }
  /** Conversation-ID (OMA CPM / GSMA RCC.07 RCS), null when absent. */
  get conversationId(): string | null {
    return this.header('conversation-id') ?? null;
  }
  /** Contribution-ID (OMA CPM / GSMA RCC.07 RCS), null when absent. */
  get contributionId(): string | null {
    return this.header('contribution-id') ?? null;
  }
}
