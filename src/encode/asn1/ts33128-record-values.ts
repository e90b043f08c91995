/**
 * Maps msrptap records (src/records) to TS33128Payloads values for the descriptor-driven DER
 * encoder. This is the only place that knows which record field goes to which ASN.1 field.
 *
 * Policies (li-standards 4, 6.5, 7):
 * - Party identities: all identities of one party go into ONE RCSIdentity as
 *   iMSIdentities.iMSSubscriberIDs [3] (SIP/TEL URI → iMPU, others → iMPI).
 * - RCSConversationID / RCSContributionID are `UUID ::= OCTET STRING (SIZE(16))`, filled from the
 *   SIP Conversation-ID / Contribution-ID headers; a missing or non-UUID header gives the nil UUID
 *   (RFC 9562 5.9) because the fields are mandatory.
 * - rCSMessage payload: fullPayload.mIME, a complete RFC 2045 MIME entity (headers + body) in the
 *   UTF8String EncapsulatedMIMEEntity. UTF-8 content is carried verbatim after a Content-Type
 *   header; other content (binary file transfers) is base64 with
 *   "Content-Transfer-Encoding: base64" (RFC 2045 6.8), so the UTF8String stays valid UTF-8
 *   (../common/mime-entity.ts, built as bytes).
 * - CC (one MSRP request): a request whose bytes are valid UTF-8 goes in
 *   rCSCCPDU.encapsulatedRCSPayload.mSRP.encapsulatedMSRP (UTF8String); otherwise in
 *   iMSCCPDU.payload (OCTET STRING) with the session SDP as sDPInfo, so binary chunks are delivered
 *   byte-exact without breaking the UTF8String type.
 */
import { InvariantError } from '../../core/errors.js';
import { toSessionDirection, toTs33128Direction, type Direction } from '../../records/direction.js';
import type { ImsIdentity } from '../../records/ims-identity.js';
import type { IriEvent, IriType } from '../../records/iri-event.js';
import type { CcRecord, IriRecord } from '../../records/li-record.js';
import type { SipMessageRef } from '../../records/iri-event.js';
import { NIL_UUID, parseUuidShared } from '../../records/uuid.js';
import { mimeEntityBytes } from '../common/mime-entity.js';
import { isValidUtf8 } from '../common/utf8.js';
import type { AsnValue } from './asn-schema.js';
import { CC_PAYLOAD_OID, IRI_PAYLOAD_OID, XIRI_PAYLOAD_OID } from './ts33128/ts33128-oids.js';

type Obj = { readonly [k: string]: AsnValue | undefined };

export function ipAddressValue(addr: Uint8Array): Obj {
  return addr.length === 4 ? { iPv4Address: addr } : { iPv6Address: addr };
}

export function sipMessageValue(s: SipMessageRef): Obj {
  return { iPSourceAddress: ipAddressValue(s.srcAddr), iPDestinationAddress: ipAddressValue(s.dstAddr), sIPContent: s.raw };
}

/** IMSPayload: always the unmodified message (encapsulatedSIPMessage [1]). */
export function imsPayloadValue(s: SipMessageRef): Obj {
  return { encapsulatedSIPMessage: sipMessageValue(s) };
}

/** IMPU value, or undefined for an IMPI (not an IMPU). */
export function impuValue(id: ImsIdentity): Obj | undefined {
  if (id.type === 'sipUri') return { sIPURI: id.value };
  if (id.type === 'telUri') return { tELURI: id.value };
  return undefined;
}

function subscriberIdentityValue(id: ImsIdentity): Obj {
  const impu = impuValue(id);
  return impu ? { iMPU: impu } : { iMPI: id.value };
}

/** One party's identities → one RCSIdentity (iMSIdentities.iMSSubscriberIDs [3]). */
export function rcsIdentityValue(party: readonly ImsIdentity[]): Obj {
  if (party.length === 0) throw new InvariantError('RCSIdentity needs at least one identity');
  return { iMSIdentities: { iMSSubscriberIDs: party.map(subscriberIdentityValue) } };
}

/** RCSConversationID / RCSContributionID from header text; nil UUID when absent or not a UUID. */
export function uuidValue(text: string | undefined): Uint8Array {
  return (text !== undefined ? parseUuidShared(text) : undefined) ?? parseUuidShared(NIL_UUID)!;
}

function ts33128Direction(d: Direction, what: string): number {
  const v = toTs33128Direction(d);
  if (v === undefined) throw new InvariantError(`${what}: direction '${d}' has no 33.128 Direction value`);
  return v;
}

/** The complete MIME entity for RCSMessage content as text (see ../common/mime-entity.ts; tests and tools). */
export function mimeEntityText(contentType: string, content: Uint8Array): string {
  return new TextDecoder().decode(mimeEntityBytes(contentType, content));
}

function rcsSipSessionMessageValue(e: { sessionLeg: string; sip: SipMessageRef; result: string; msrpPath?: string }): Obj {
  return {
    sessionLeg: e.sessionLeg,
    sIPMessage: imsPayloadValue(e.sip),
    rCSSessionResult: e.result,
    mSRPPathInfo: e.msrpPath !== undefined ? { path: e.msrpPath } : undefined,
  };
}

/** The XIRIEvent / IRIEvent CHOICE value for a record's event. */
export function iriEventValue(r: IriRecord): Obj {
  const e: IriEvent = r.event;
  switch (e.kind) {
    case 'iMSMessage':
      return { iMSMessage: { payload: imsPayloadValue(e.sip), sessionDirection: toSessionDirection(r.direction) } };
    case 'rCSSessionEstablishment':
      return {
        rCSSessionEstablishment: {
          rCSTargetIdentities: [rcsIdentityValue(e.targetIdentities)],
          conversationID: uuidValue(e.conversationId),
          contributionID: uuidValue(e.contributionId),
          inReplyToContributionID: e.inReplyToContributionId !== undefined ? uuidValue(e.inReplyToContributionId) : undefined,
          rCSSessionType: e.sessionType,
          sessionDirection: ts33128Direction(e.sessionDirection, 'rCSSessionEstablishment.sessionDirection'),
          rCSSessionMessage: rcsSipSessionMessageValue(e),
        },
      };
    case 'rCSSessionRelease':
      return {
        rCSSessionRelease: {
          rCSTargetIdentities: [rcsIdentityValue(e.targetIdentities)],
          conversationID: uuidValue(e.conversationId),
          contributionID: uuidValue(e.contributionId),
          rCSSessionType: e.sessionType,
          sessionDirection: ts33128Direction(e.sessionDirection, 'rCSSessionRelease.sessionDirection'),
          rCSSIPSessionMessage: rcsSipSessionMessageValue(e),
        },
      };
    case 'rCSMessage':
      return {
        rCSMessage: {
          rCSTargetIdentities: [rcsIdentityValue(e.targetIdentities)],
          groupChatSessionID: e.groupChatSessionId,
          originatingIdentity: [rcsIdentityValue(e.originating)],
          destinationIdentities: [[rcsIdentityValue(e.terminating)]],
          direction: ts33128Direction(r.direction, 'rCSMessage.direction'),
          messageType: e.messageType,
          conversationID: uuidValue(e.conversationId),
          contributionID: uuidValue(e.contributionId),
          inReplyToContributionID: e.inReplyToContributionId !== undefined ? uuidValue(e.inReplyToContributionId) : undefined,
          messageID: e.imdnMessageId,
          messagePayload: { fullPayload: { mIME: { contentType: e.contentType, encapsulatedMIMEEntity: mimeEntityBytes(e.contentType, e.content) } } },
        },
      };
    case 'iMSCCUnavailable':
      return { iMSCCUnavailable: { cCUnavailableReason: e.reason, sDPState: e.sdp } };
    case 'startOfInterceptionForActiveIMSSession': {
      const terminating = impuValue(e.terminating);
      if (terminating === undefined) throw new InvariantError('startOfInterceptionForActiveIMSSession.terminatingId must be an IMPU');
      const originating = e.originating.map(impuValue).filter((v): v is Obj => v !== undefined);
      return {
        startOfInterceptionForActiveIMSSession: {
          originatingId: originating,
          terminatingId: terminating,
          sDPState: e.sdpState !== undefined ? [...e.sdpState] : undefined,
        },
      };
    }
    case 'startOfInterceptWithEstablisedRCSSession':
      return {
        startOfInterceptWithEstablisedRCSSession: {
          rCSTargetIdentities: [rcsIdentityValue(e.targetIdentities)],
          participants: [e.participants.map((p) => [rcsIdentityValue(p)])],
          conversationID: uuidValue(e.conversationId),
          contributionID: uuidValue(e.contributionId),
          rCSSessionType: e.sessionType,
          rCSSessionEndpoints: e.endpoints,
          rCSSessionInformation: e.sessionInfo.map((s) => ({ cPMSessionInfo: { contentType: s.contentType, encapsulatedMIMEEntity: s.content } })),
        },
      };
  }
}

/**
 * XIRIPayload value (X2 payload format 2). `event`: the event's value, or its DER encoded once
 * for X2 and HI2 (./shared-iri-event.ts, fast writer only).
 */
export function xiriPayloadValue(r: IriRecord, event: AsnValue = iriEventValue(r)): Obj {
  return { xIRIPayloadOID: XIRI_PAYLOAD_OID, event };
}

/**
 * TargetIdentifier for the provisioned identifier text: SIP/TEL URI → iMPU, "+digits" (1..15)
 * → e164Number (digits only, NumericString), anything else → iMPI (NAI).
 */
export function targetIdentifierValue(text: string): Obj {
  const lower = text.toLowerCase();
  if (lower.startsWith('sip:') || lower.startsWith('sips:')) return { iMPU: { sIPURI: text } };
  if (lower.startsWith('tel:')) return { iMPU: { tELURI: text } };
  if (/^\+?\d{1,15}$/.test(text)) return { e164Number: text.replace('+', '') };
  return { iMPI: text };
}

/** 33.128 IRIPayload value (HI2), with the matched target identifier (provenance matchedOn). */
export function iriPayloadValue(r: IriRecord, event: AsnValue = iriEventValue(r)): Obj {
  return {
    iRIPayloadOID: IRI_PAYLOAD_OID,
    event,
    targetIdentifiers: [{ identifier: targetIdentifierValue(r.task.matchedTargetId), provenance: 'matchedOn' }],
  };
}

/**
 * 33.128 CCPayload value (HI3) for one MSRP request, per the UTF-8 policy in the file header. The
 * frame's UTF-8 validity is computed here once (no decode to a string).
 */
export function ccPayloadValue(r: CcRecord): Obj {
  const bytes = r.event.bytes;
  const pdu = isValidUtf8(bytes) ? { rCSCCPDU: { encapsulatedRCSPayload: { mSRP: { encapsulatedMSRP: bytes } } } } : { iMSCCPDU: { payload: bytes, sDPInfo: r.event.sdp } };
  return { cCPayloadOID: CC_PAYLOAD_OID, pDU: pdu };
}

const IRI_TYPE_NAMES: Readonly<Record<IriType, string>> = { begin: 'iRI-Begin', continue: 'iRI-Continue', end: 'iRI-End', report: 'iRI-Report' };

/** TS 102 232-1 IRIType value name. */
export function iriTypeValue(t: IriType): string {
  return IRI_TYPE_NAMES[t];
}
