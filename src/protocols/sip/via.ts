/**
 * Via header values (RFC 3261 20.42, 25.1):
 *
 * ```
 * via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport    (SLASH = SWS "/" SWS)
 * sent-by = host [ COLON port ]
 * ```
 */
import { parseHeaderParams } from './header-params.js';

/** One Via entry. */
export interface SipVia {
  /** `SIP/2.0/UDP` with the white space of the wire form removed, upper-cased. */
  readonly protocol: string;
  /** Transport token upper-cased (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`...). */
  readonly transport: string;
  /** sent-by host as written (IPv6 with brackets). */
  readonly host: string;
  readonly port: number | null;
  /** The `branch` parameter (RFC 3261 8.1.1.7), null when absent. */
  readonly branch: string | null;
  /** All parameters, names lower-cased. */
  readonly params: ReadonlyMap<string, string | null>;
}

const SENT_RE = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/]+)\s+(\[[^\]]*\]|[^\s:;]+)\s*(?::\s*([0-9]{1,5}))?\s*$/;

/**
 * Parses one Via element (split the header with {@link splitHeaderValues} first).
 * @returns null when the sent-protocol or sent-by is malformed.
 */
export function parseVia(text: string): SipVia | null {
  const semi = text.indexOf(';');
  const head = (semi < 0 ? text : text.slice(0, semi)).trim();
  const m = SENT_RE.exec(head);
  if (m === null) return null;
  const port = m[5] === undefined ? null : Number(m[5]);
  if (port !== null && port > 65535) return null;
  const transport = m[3]!.toUpperCase();
  const params = semi < 0 ? new Map<string, string | null>() : parseHeaderParams(text.slice(semi));
  return {
    protocol: `${m[1]!.toUpperCase()}/${m[2]!}/${transport}`,
    transport,
    host: m[4]!,
    port,
    branch: params.get('branch') ?? null,
    params,
  };
}
