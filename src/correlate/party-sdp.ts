/**
 * What one party's SDP (RFC 3264 offer or answer) says about its MSRP media (RFC 4975 section 8):
 * the a=path (relays first, the party's own URI last, RFC 4976 section 5), the session-ids the
 * frames of this session will carry, whether TLS protects the media (TCP/TLS/MSRP or msrps:,
 * RFC 4975 section 8.1: then the tap cannot provide CC), the c=/m= transport address (RFC 6714
 * CEMA: where the peer connects), and the RFC 5547 file-transfer attributes.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { findSdp, type SipMessage } from '../protocols/sip/index.js';
import { formatMsrpUri } from '../protocols/msrp/index.js';
import { ownString, ownStringOrNull } from '../util/own-string.js';
import { isMsrpProto, mediaConnection, mediaDirection, parseSdp, scanMsrpSdp, type FileSelector, type MsrpSdpView, type SdpDirection } from '../protocols/sdp/index.js';

/** One m=message section with a non-zero port. */
export interface MsrpMediaInfo {
  /** a=path URIs as text, in order. */
  readonly pathText: string;
  /** Session-id of the last a=path URI (the party's own endpoint), null when absent. */
  readonly endpointSessionId: string | null;
  /** Session-ids of every a=path URI (relays included). */
  readonly sessionIds: readonly string[];
  /** TCP/TLS/MSRP, TCP/WSS/MSRP or an msrps: path URI. */
  readonly tls: boolean;
  readonly cema: boolean;
  /** `host:port` keys where the party accepts connections: c= address + m= port, first and last path URI. */
  readonly endpoints: readonly string[];
  readonly fileSelector: FileSelector | null;
  readonly direction: SdpDirection;
}

/** The SDP of one SIP message, reduced to what correlation needs. */
export interface PartySdp {
  /** The SDP bytes (an owned copy, for sDPInfo / sdpState in records); null unless asked for (target sessions only). */
  readonly raw: Uint8Array | null;
  readonly msrp: readonly MsrpMediaInfo[];
}

/** `host:port` key, host lower-cased and without IPv6 brackets. */
export function endpointKey(host: string, port: number): string {
  // The regex only when there is a bracket to strip (most hosts have none).
  const h = host.charCodeAt(0) === 0x5b || host.charCodeAt(host.length - 1) === 0x5d ? host.replace(/^\[|\]$/g, '') : host;
  // Owned: the key is kept in the binding table, and the host is a slice of the SDP text.
  return ownString(`${h.toLowerCase()}|${port}`);
}

/**
 * Extracts the SDP of `msg`; null when it has none. `sdp.*` anomalies go to `sink`.
 * @param keepRaw copy the SDP bytes into `raw` (only target sessions need them).
 * @remarks Copies what it keeps: the result may outlive the packet.
 */
export function partySdpOf(msg: SipMessage, sink: AnomalySink, keepRaw = false): PartySdp | null {
  const bytes = findSdp(msg, sink);
  if (bytes === null) return null;
  return partySdpOfBytes(bytes, sink, msg.frameNo, keepRaw, scanMsrpSdp(bytes));
}

/**
 * {@link partySdpOf} from the SDP bytes. `fast` is ./../protocols/sdp/scan-msrp-sdp.ts's view of
 * them (issue 13: it skips the full model, and is null when parseSdp must run and report);
 * the reference path passes null. Both give the same result (test/fuzz/sdp-msrp-scan.property.test.ts).
 */
export function partySdpOfBytes(bytes: Uint8Array, sink: AnomalySink, frameNo: number | undefined, keepRaw: boolean, fast: MsrpSdpView | null): PartySdp | null {
  const sd: MsrpSdpView | null = fast ?? parseSdp(bytes, sink, frameNo);
  if (sd === null) return null;
  const msrp: MsrpMediaInfo[] = [];
  for (const m of sd.media) {
    if (m.msrp === null || !isMsrpProto(m.proto) || m.port === 0) continue;
    const a = m.msrp;
    const sessionIds: string[] = [];
    // Owned copies: dialogs keep these (and index frames by them) long after the packet.
    for (const u of a.path) if (u.sessionId !== null && !sessionIds.includes(u.sessionId)) sessionIds.push(ownString(u.sessionId));
    const last = a.path.length > 0 ? a.path[a.path.length - 1]! : null;
    const first = a.path.length > 0 ? a.path[0]! : null;
    const endpoints: string[] = [];
    const c = mediaConnection(sd, m);
    if (c !== null) endpoints.push(endpointKey(c.address, m.port));
    for (const u of [first, last]) {
      if (u !== null && u.port !== null) {
        const k = endpointKey(u.host, u.port);
        if (!endpoints.includes(k)) endpoints.push(k);
      }
    }
    msrp.push({
      // Owned: formatMsrpUri concatenates slices of the SDP text, which would stay pinned.
      pathText: ownString(a.path.map(formatMsrpUri).join(' ')),
      endpointSessionId: ownStringOrNull(last?.sessionId),
      // Exact-size copies: kept per dialog, and a pushed-to array reserves 17 slots (issue 12).
      sessionIds: sessionIds.slice(),
      tls: /TLS|WSS/i.test(m.proto) || a.path.some((u) => u.scheme === 'msrps'),
      cema: a.cema,
      endpoints: endpoints.slice(),
      fileSelector: a.fileSelector,
      direction: mediaDirection(sd, m),
    });
  }
  return { raw: keepRaw ? bytes.slice() : null, msrp: msrp.slice() };
}
