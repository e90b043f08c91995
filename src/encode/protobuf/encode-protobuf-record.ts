/**
 * msrptap records → length-delimited `msrptap.v1.Record` protobuf messages (schemas/proto/
 * msrptap.proto) for analytics consumers. Mapping of bodies:
 *
 * | record                                       | body        |
 * | -------------------------------------------- | ----------- |
 * | iMSMessage                                   | sip_message |
 * | rCSSessionEstablishment / rCSSessionRelease  | session     |
 * | startOf... (IMS or RCS), iMSCCUnavailable    | session     |
 * | rCSMessage (file transfer with file info)    | file        |
 * | rCSMessage (other)                           | message     |
 * | CC MSRP request                              | msrp_chunk  |
 * | anomaly                                      | anomaly     |
 */
import type { ImsIdentity } from '../../records/ims-identity.js';
import type { IriType, RcsMessageEvent } from '../../records/iri-event.js';
import type { Direction } from '../../records/direction.js';
import type { LiRecord, MsrptapRecord } from '../../records/li-record.js';
import type { DeliveryType, TargetRole } from '../../records/task-ref.js';
import { recordType } from './msrptap-proto.js';

type Plain = Record<string, unknown>;

const DIRECTION: Readonly<Record<Direction, string>> = {
  fromTarget: 'DIRECTION_FROM_TARGET',
  toTarget: 'DIRECTION_TO_TARGET',
  combined: 'DIRECTION_COMBINED',
  unknown: 'DIRECTION_UNKNOWN',
  notApplicable: 'DIRECTION_NOT_APPLICABLE',
};
const IRI_TYPE: Readonly<Record<IriType, string>> = { begin: 'IRI_TYPE_BEGIN', continue: 'IRI_TYPE_CONTINUE', end: 'IRI_TYPE_END', report: 'IRI_TYPE_REPORT' };
const DELIVERY: Readonly<Record<DeliveryType, string>> = { X2andX3: 'DELIVERY_TYPE_X2_AND_X3', X2Only: 'DELIVERY_TYPE_X2_ONLY', X3Only: 'DELIVERY_TYPE_X3_ONLY' };
const ROLE: Readonly<Record<TargetRole, string>> = { originating: 'TARGET_ROLE_ORIGINATING', terminating: 'TARGET_ROLE_TERMINATING', unknown: 'TARGET_ROLE_UNKNOWN' };
const IDENTITY: Readonly<Record<ImsIdentity['type'], string>> = { sipUri: 'TYPE_SIP_URI', telUri: 'TYPE_TEL_URI', impi: 'TYPE_IMPI' };

function party(ids: readonly ImsIdentity[]): Plain {
  return { identities: ids.map((i) => ({ type: IDENTITY[i.type], value: i.value })) };
}

function messageBody(e: RcsMessageEvent): Plain {
  return {
    messageType: e.messageType,
    msrpMessageId: e.msrpMessageId,
    imdnMessageId: e.imdnMessageId,
    contentType: e.contentType,
    content: e.content,
    conversationId: e.conversationId,
    contributionId: e.contributionId,
    inReplyToContributionId: e.inReplyToContributionId,
    groupChatSessionId: e.groupChatSessionId,
    target: party(e.targetIdentities),
    originating: party(e.originating),
    terminating: party(e.terminating),
  };
}

function liBody(r: LiRecord): Plain {
  if (r.kind === 'cc') return { msrpChunk: { method: r.event.method, raw: r.event.bytes } };
  const e = r.event;
  switch (e.kind) {
    case 'iMSMessage':
      return { sipMessage: { raw: e.sip.raw, srcAddr: e.sip.srcAddr, dstAddr: e.sip.dstAddr } };
    case 'rCSSessionEstablishment':
    case 'rCSSessionRelease':
      return {
        session: {
          event: e.kind === 'rCSSessionEstablishment' ? 'EVENT_ESTABLISHMENT' : 'EVENT_RELEASE',
          target: party(e.targetIdentities),
          originating: party(e.originating),
          terminating: party(e.terminating),
          conversationId: e.conversationId,
          contributionId: e.contributionId,
          sessionType: e.sessionType,
          sessionDirection: DIRECTION[e.sessionDirection],
          sessionLeg: e.sessionLeg,
          result: e.result,
          msrpPath: e.msrpPath,
          sip: e.sip.raw,
        },
      };
    case 'rCSMessage':
      if (e.messageType === 'fileTransferMessage' && e.file !== undefined) {
        return {
          file: {
            message: messageBody(e),
            name: e.file.name,
            size: e.file.size,
            hasSize: e.file.size !== undefined,
            contentType: e.file.contentType,
          },
        };
      }
      return { message: messageBody(e) };
    case 'iMSCCUnavailable':
      return { session: { event: 'EVENT_CC_UNAVAILABLE', reason: e.reason, sdp: e.sdp } };
    case 'startOfInterceptionForActiveIMSSession':
      return {
        session: {
          event: 'EVENT_START_OF_INTERCEPTION',
          originating: party(e.originating),
          terminating: party([e.terminating]),
          sdp: e.sdpState?.[0],
        },
      };
    case 'startOfInterceptWithEstablisedRCSSession':
      return {
        session: {
          event: 'EVENT_START_OF_INTERCEPTION',
          target: party(e.targetIdentities),
          participants: e.participants.map(party),
          conversationId: e.conversationId,
          contributionId: e.contributionId,
          sessionType: e.sessionType,
          endpoints: e.endpoints,
        },
      };
  }
}

/** The protobufjs plain object (camelCase field names, enum names) for a record. */
export function protobufRecordObject(r: MsrptapRecord): Plain {
  if (r.kind === 'anomaly') {
    return { time: { seconds: r.tsSec, nanos: r.tsNsec }, anomaly: { code: r.code, frameNo: r.frameNo, detail: r.detail } };
  }
  const n = r.network;
  return {
    time: { seconds: n.tsSec, nanos: n.tsNsec },
    task: {
      xid: r.task.xid,
      liid: r.task.liid,
      deliveryType: DELIVERY[r.task.deliveryType],
      matchedTargetId: r.task.matchedTargetId,
      targetRole: ROLE[r.task.targetRole],
    },
    network: { srcAddr: n.srcAddr, dstAddr: n.dstAddr, srcPort: n.srcPort, dstPort: n.dstPort, ipProto: n.ipProto, frameNo: n.frameNo },
    correlationId: r.correlationId,
    communicationIdentityNumber: r.communicationIdentityNumber,
    direction: DIRECTION[r.direction],
    iriType: r.kind === 'iri' ? IRI_TYPE[r.iriType] : undefined,
    ...liBody(r),
  };
}

/** Strips undefined members so protobufjs fromObject does not see them. */
function clean(v: unknown): unknown {
  if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clean);
  const out: Plain = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
  return out;
}

/** One record as a length-delimited protobuf message (varint length + message). */
export function encodeProtobufRecord(r: MsrptapRecord): Uint8Array {
  const T = recordType();
  return T.encodeDelimited(T.fromObject(clean(protobufRecordObject(r)) as Plain)).finish();
}
