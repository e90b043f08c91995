/**
 * IRI events msrptap emits, named after the 3GPP TS 33.128 XIRIEvent / IRIEvent alternatives
 * (li-standards 2.2). These are plain data: the encoders in src/encode turn them into X2 PDUs,
 * HI2 PS-PDUs or protobuf records.
 *
 * All byte arrays are owned by the record (copies, never capture-buffer views).
 */
import type { Direction } from './direction.js';
import type { ImsIdentity } from './ims-identity.js';

/** TS 102 232-1 IRIType: where the record sits in the life of the intercepted session. */
export type IriType = 'begin' | 'continue' | 'end' | 'report';

/** RCS session type (33.128 RCSSessionType). */
export type RcsSessionType = 'largeMessageStandalone' | 'oneTo1Chat';

/** Which SIP leg the POI saw (33.128 RCSSessionLeg). */
export type RcsSessionLeg = 'remoteLeg' | 'localLeg';

/** Outcome of the SIP exchange for the leg (33.128 RCSSessionResult). */
export type RcsSessionResult = 'newLegRequested' | 'newLegEstablished' | 'legModificationRequested' | 'legModificationComplete' | 'legRemovalRequest' | 'legRemovalComplete';

/** Which ends of the session the POI sees (33.128 RCSSessionEndpoints). */
export type RcsSessionEndpoints = 'remoteOnly' | 'localOnly' | 'localAndRemote';

/** RCS message type (33.128 RCSMessageType). */
export type RcsMessageType = 'messageWithUserContent' | 'fileTransferMessage' | 'geoLocationPUSHMessage' | 'iMDNNotification';

/** A raw SIP message with the IP addresses it travelled between (33.128 SIPMessage). */
export interface SipMessageRef {
  /** The SIP message exactly as seen (start line, headers, body). */
  readonly raw: Uint8Array;
  /** 4 or 16 bytes. */
  readonly srcAddr: Uint8Array;
  readonly dstAddr: Uint8Array;
}

/** One SIP message of a target dialog (XIRIEvent [105] iMSMessage). Its direction is the record's. */
export interface ImsMessageEvent {
  readonly kind: 'iMSMessage';
  readonly sip: SipMessageRef;
}

/** Session identifiers and SIP context shared by the RCS session events. */
export interface RcsSessionInfo {
  /** The target's identities (33.128 rCSTargetIdentities, at least one). */
  readonly targetIdentities: readonly ImsIdentity[];
  readonly originating: readonly ImsIdentity[];
  readonly terminating: readonly ImsIdentity[];
  /** SIP Conversation-ID header text (RCC.07 / OMA CPM); UUID form expected. */
  readonly conversationId?: string;
  /** SIP Contribution-ID header text. */
  readonly contributionId?: string;
  readonly inReplyToContributionId?: string;
  readonly sessionType: RcsSessionType;
  /** Direction of the session: 'fromTarget' when the target originated it. */
  readonly sessionDirection: Direction;
  readonly sessionLeg: RcsSessionLeg;
}

/** An MSRP session was set up (XIRIEvent [143] rCSSessionEstablishment). */
export interface RcsSessionEstablishmentEvent extends RcsSessionInfo {
  readonly kind: 'rCSSessionEstablishment';
  readonly sip: SipMessageRef;
  readonly result: RcsSessionResult;
  /** The a=path value of the target side's SDP (RFC 4975 section 8.2), where present. */
  readonly msrpPath?: string;
}

/** An MSRP session ended (XIRIEvent [145] rCSSessionRelease). */
export interface RcsSessionReleaseEvent extends RcsSessionInfo {
  readonly kind: 'rCSSessionRelease';
  readonly sip: SipMessageRef;
  readonly result: RcsSessionResult;
  readonly msrpPath?: string;
}

/** File metadata from the SDP file-selector (RFC 5547 section 5) for file transfers. */
export interface FileInfo {
  readonly name?: string;
  readonly size?: number;
  readonly contentType?: string;
}

/** One complete (reassembled) MSRP message (XIRIEvent [141] rCSMessage). */
export interface RcsMessageEvent {
  readonly kind: 'rCSMessage';
  readonly targetIdentities: readonly ImsIdentity[];
  readonly originating: readonly ImsIdentity[];
  readonly terminating: readonly ImsIdentity[];
  readonly groupChatSessionId?: string;
  readonly messageType: RcsMessageType;
  readonly conversationId?: string;
  readonly contributionId?: string;
  readonly inReplyToContributionId?: string;
  /** imdn.Message-ID of the CPIM message (RFC 5438 section 6.3), where present. */
  readonly imdnMessageId?: string;
  /** MSRP Message-ID (RFC 4975 section 7.1). */
  readonly msrpMessageId: string;
  /** Content-Type of the MSRP message, e.g. "message/cpim". */
  readonly contentType: string;
  /** The reassembled MSRP message content (all chunks' bodies in byte-range order). */
  readonly content: Uint8Array;
  readonly file?: FileInfo;
  /**
   * How reassembly ended when not 'complete' (RFC 4975 section 7.1: '#' aborted; chunks
   * missing): `content` then holds the contiguous bytes received from the start. Absent = complete.
   */
  readonly messageStatus?: 'aborted' | 'incomplete';
  /** `content` holds only the first bytes of a message larger than the correlator's content cap. */
  readonly contentTruncated?: boolean;
}

/** CC cannot be delivered for the session (XIRIEvent [107] iMSCCUnavailable). */
export interface ImsCcUnavailableEvent {
  readonly kind: 'iMSCCUnavailable';
  /** Human-readable reason (e.g. "MSRP over TLS", "MSRP connection not observed"). */
  readonly reason: string;
  /** The SDP of the session, where known. */
  readonly sdp?: Uint8Array;
}

/** A task became active while an IMS session was running (XIRIEvent [106]). */
export interface StartOfInterceptionForActiveImsSessionEvent {
  readonly kind: 'startOfInterceptionForActiveIMSSession';
  /** IMPUs of the originating party (sipUri/telUri; IMPIs are not representable and are skipped). */
  readonly originating: readonly ImsIdentity[];
  readonly terminating: ImsIdentity;
  /** Current SDP offer/answer of the session. */
  readonly sdpState?: readonly Uint8Array[];
}

/** A task became active while an RCS (MSRP) session was running (XIRIEvent [158], "Establised" sic). */
export interface StartOfInterceptWithEstablishedRcsSessionEvent {
  readonly kind: 'startOfInterceptWithEstablisedRCSSession';
  readonly targetIdentities: readonly ImsIdentity[];
  /** Session participants (33.128 participants: each entry is one party's identities). */
  readonly participants: readonly (readonly ImsIdentity[])[];
  readonly conversationId?: string;
  readonly contributionId?: string;
  readonly sessionType: RcsSessionType;
  readonly endpoints: RcsSessionEndpoints;
  /** Session context, at least one entry (e.g. the session's SDP as application/sdp). */
  readonly sessionInfo: readonly { readonly contentType: string; readonly content: string }[];
}

export type IriEvent = ImsMessageEvent | RcsSessionEstablishmentEvent | RcsSessionReleaseEvent | RcsMessageEvent | ImsCcUnavailableEvent | StartOfInterceptionForActiveImsSessionEvent | StartOfInterceptWithEstablishedRcsSessionEvent;

export type IriEventKind = IriEvent['kind'];
