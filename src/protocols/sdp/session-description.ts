/**
 * The SDP model (RFC 8866) with the MSRP media attributes of RFC 4975 8, RFC 6135, RFC 6714
 * and RFC 5547. Produced by {@link parseSdp}. All strings are copies (SDP is decoded as UTF-8,
 * RFC 8866 5.2 default charset), so the model may outlive the packet.
 */
import type { FileDate, FileRange, FileSelector } from './file-selector.js';
import type { MsrpUri } from '../msrp/msrp-uri.js';

/** Media direction attributes (RFC 8866 6.7; RFC 3264 5.1 for their offer/answer meaning). */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** a=setup (RFC 4145 4, used for MSRP by RFC 6135). */
export type SdpSetup = 'active' | 'passive' | 'actpass' | 'holdconn';

/** o= (RFC 8866 5.2). */
export interface SdpOrigin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** c= (RFC 8866 5.7): `nettype addrtype connection-address`. */
export interface SdpConnection {
  readonly netType: string;
  /** `IP4` / `IP6` (upper-cased). */
  readonly addrType: string;
  /** Address or FQDN without the `/ttl/count` suffix. */
  readonly address: string;
  readonly ttl: number | null;
  readonly count: number | null;
}

/** a= (RFC 8866 5.13): `name` or `name:value`. */
export interface SdpAttribute {
  readonly name: string;
  /** Null for property attributes (`a=sendonly`); '' for `a=name:`. */
  readonly value: string | null;
}

/** t= (RFC 8866 5.9), NTP seconds; 0 means unbounded. */
export interface SdpTiming {
  readonly start: number;
  readonly stop: number;
}

/** The MSRP attributes of one m=message section. */
export interface MsrpMedia {
  /** a=path URIs in order (RFC 4975 8.2); several = relays (RFC 4976); the last is the endpoint. */
  readonly path: readonly MsrpUri[];
  /** a=accept-types (RFC 4975 8.6), as written (`*` allowed). */
  readonly acceptTypes: readonly string[];
  /** a=accept-wrapped-types (RFC 4975 8.6). */
  readonly acceptWrappedTypes: readonly string[];
  /** a=max-size in octets (RFC 4975 8.6), null when absent. */
  readonly maxSize: number | null;
  /** a=setup (RFC 6135 4.1, RFC 4145), media level or else session level; null when absent. */
  readonly setup: SdpSetup | null;
  /** a=connection (RFC 4145 5): `new` / `existing`, null when absent. */
  readonly tcpConnection: 'new' | 'existing' | null;
  /** a=msrp-cema present (RFC 6714 4). */
  readonly cema: boolean;
  /** RFC 5547 file transfer attributes; null when absent or malformed. */
  readonly fileSelector: FileSelector | null;
  readonly fileTransferId: string | null;
  readonly fileDisposition: string | null;
  readonly fileDate: FileDate | null;
  readonly fileIcon: string | null;
  readonly fileRange: FileRange | null;
}

/** One media section (m= and the lines up to the next m=). */
export interface SdpMedia {
  /** Media type, lower-cased (`audio`, `message`...). */
  readonly media: string;
  readonly port: number;
  /** The `/<number of ports>` suffix, null when absent. */
  readonly portCount: number | null;
  /** Transport protocol as written (`TCP/MSRP`, `TCP/TLS/MSRP`, `RTP/AVP`...). */
  readonly proto: string;
  readonly formats: readonly string[];
  /** i= of the section, null when absent. */
  readonly information: string | null;
  /** Media-level c=, null when absent (see {@link mediaConnection}). */
  readonly connection: SdpConnection | null;
  /** Direction attribute at media level, null when absent (see {@link mediaDirection}). */
  readonly direction: SdpDirection | null;
  /** a=label (RFC 4574), null when absent. */
  readonly label: string | null;
  /** All a= lines of the section in order (including the ones interpreted above). */
  readonly attributes: readonly SdpAttribute[];
  /** MSRP attributes when this is an MSRP section ({@link isMsrpProto}), else null. */
  readonly msrp: MsrpMedia | null;
}

export interface SessionDescription {
  /** v= value (0), null when missing. */
  readonly version: number | null;
  readonly origin: SdpOrigin | null;
  /** s= value, null when missing. */
  readonly sessionName: string | null;
  readonly information: string | null;
  /** Session-level c=, null when absent. */
  readonly connection: SdpConnection | null;
  readonly timing: readonly SdpTiming[];
  /** Session-level direction attribute, null when absent. */
  readonly direction: SdpDirection | null;
  /** Session-level a= lines. */
  readonly attributes: readonly SdpAttribute[];
  readonly media: readonly SdpMedia[];
}

/** True for MSRP transport protocols: TCP/MSRP, TCP/TLS/MSRP (RFC 4975 8.1), TCP/WS[S]/MSRP (RFC 7977). */
export function isMsrpProto(proto: string): boolean {
  return /(^|\/)MSRPS?$/i.test(proto);
}

/**
 * What correlation reads of a session description: a {@link SessionDescription} is one, and so
 * is the lighter result of ./scan-msrp-sdp.ts (the fast path for the SDPs parseSdp reads without
 * an anomaly).
 */
export interface MsrpSdpView {
  readonly connection: { readonly address: string } | null;
  readonly direction: SdpDirection | null;
  readonly media: readonly MsrpSdpMediaView[];
}

/** What correlation reads of one media section (see {@link MsrpSdpView}). */
export interface MsrpSdpMediaView {
  readonly port: number;
  readonly proto: string;
  readonly connection: { readonly address: string } | null;
  readonly direction: SdpDirection | null;
  readonly msrp: Pick<MsrpMedia, 'path' | 'cema' | 'fileSelector'> | null;
}

/** Effective direction of a media section: media level, else session level, else sendrecv (RFC 8866 6.7). */
export function mediaDirection(sd: Pick<MsrpSdpView, 'direction'>, m: Pick<MsrpSdpMediaView, 'direction'>): SdpDirection {
  return m.direction ?? sd.direction ?? 'sendrecv';
}

/** Effective connection data: media-level c= overrides session-level (RFC 8866 5.7). */
export function mediaConnection<C extends { readonly address: string }>(sd: { readonly connection: C | null }, m: { readonly connection: C | null }): C | null {
  return m.connection ?? sd.connection;
}

/** First value of an attribute by name (case-insensitive); undefined when absent. */
export function sdpAttribute(attrs: readonly SdpAttribute[], name: string): string | null | undefined {
  const n = name.toLowerCase();
  for (const a of attrs) if (a.name.toLowerCase() === n) return a.value;
  return undefined;
}
