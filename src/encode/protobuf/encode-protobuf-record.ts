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
import { LEN, ProtobufWriter, VARINT } from './protobuf-writer.js';

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

/**
 * Enum value numbers of schemas/proto/msrptap.proto by value name (the names are unique across
 * the file's enums); test/unit/encode/protobuf checks this table against the .proto.
 */
export const PROTO_ENUM_NUMBERS: Readonly<Record<string, number>> = {
  DELIVERY_TYPE_X2_AND_X3: 1,
  DELIVERY_TYPE_X2_ONLY: 2,
  DELIVERY_TYPE_X3_ONLY: 3,
  TARGET_ROLE_ORIGINATING: 1,
  TARGET_ROLE_TERMINATING: 2,
  TARGET_ROLE_UNKNOWN: 3,
  DIRECTION_FROM_TARGET: 1,
  DIRECTION_TO_TARGET: 2,
  DIRECTION_COMBINED: 3,
  DIRECTION_UNKNOWN: 4,
  DIRECTION_NOT_APPLICABLE: 5,
  IRI_TYPE_BEGIN: 1,
  IRI_TYPE_CONTINUE: 2,
  IRI_TYPE_END: 3,
  IRI_TYPE_REPORT: 4,
  TYPE_SIP_URI: 1,
  TYPE_TEL_URI: 2,
  TYPE_IMPI: 3,
  EVENT_ESTABLISHMENT: 1,
  EVENT_RELEASE: 2,
  EVENT_START_OF_INTERCEPTION: 3,
  EVENT_CC_UNAVAILABLE: 4,
};

/** The field kinds of the messages msrptap writes. */
type Kind = 'string' | 'bytes' | 'uint' | 'int64' | 'bool' | 'enum' | Fields;
/** A message's fields in field-number order: [number, camelCase name, kind, repeated]. */
type Fields = readonly (readonly [number, string, Kind, boolean?])[];

const CAPTURE_TIME: Fields = [
  [1, 'seconds', 'int64'],
  [2, 'nanos', 'uint'],
];
const TASK: Fields = [
  [1, 'xid', 'string'],
  [2, 'liid', 'string'],
  [3, 'deliveryType', 'enum'],
  [4, 'matchedTargetId', 'string'],
  [5, 'targetRole', 'enum'],
];
const NETWORK: Fields = [
  [1, 'srcAddr', 'bytes'],
  [2, 'dstAddr', 'bytes'],
  [3, 'srcPort', 'uint'],
  [4, 'dstPort', 'uint'],
  [5, 'ipProto', 'uint'],
  [6, 'frameNo', 'uint'],
];
const IDENTITY_MSG: Fields = [
  [1, 'type', 'enum'],
  [2, 'value', 'string'],
];
const PARTY: Fields = [[1, 'identities', IDENTITY_MSG, true]];
const SESSION: Fields = [
  [1, 'event', 'enum'],
  [2, 'target', PARTY],
  [3, 'originating', PARTY],
  [4, 'terminating', PARTY],
  [5, 'participants', PARTY, true],
  [6, 'conversationId', 'string'],
  [7, 'contributionId', 'string'],
  [8, 'sessionType', 'string'],
  [9, 'sessionDirection', 'enum'],
  [10, 'sessionLeg', 'string'],
  [11, 'result', 'string'],
  [12, 'msrpPath', 'string'],
  [13, 'sip', 'bytes'],
  [14, 'sdp', 'bytes'],
  [15, 'reason', 'string'],
  [16, 'endpoints', 'string'],
];
const SIP_MESSAGE: Fields = [
  [1, 'raw', 'bytes'],
  [2, 'srcAddr', 'bytes'],
  [3, 'dstAddr', 'bytes'],
];
const MSRP_CHUNK: Fields = [
  [1, 'method', 'string'],
  [2, 'raw', 'bytes'],
];
const MESSAGE: Fields = [
  [1, 'messageType', 'string'],
  [2, 'msrpMessageId', 'string'],
  [3, 'imdnMessageId', 'string'],
  [4, 'contentType', 'string'],
  [5, 'content', 'bytes'],
  [6, 'conversationId', 'string'],
  [7, 'contributionId', 'string'],
  [8, 'inReplyToContributionId', 'string'],
  [9, 'groupChatSessionId', 'string'],
  [10, 'target', PARTY],
  [11, 'originating', PARTY],
  [12, 'terminating', PARTY],
];
const FILE: Fields = [
  [1, 'message', MESSAGE],
  [2, 'name', 'string'],
  [3, 'size', 'uint'],
  [4, 'contentType', 'string'],
  [5, 'hasSize', 'bool'],
];
const ANOMALY: Fields = [
  [1, 'code', 'string'],
  [2, 'frameNo', 'uint'],
  [3, 'detail', 'string'],
];
/** msrptap.v1.Record; the `body` oneof members are fields 16-21. */
const RECORD: Fields = [
  [1, 'time', CAPTURE_TIME],
  [2, 'task', TASK],
  [3, 'network', NETWORK],
  [4, 'correlationId', 'bytes'],
  [5, 'communicationIdentityNumber', 'uint'],
  [6, 'direction', 'enum'],
  [7, 'iriType', 'enum'],
  [16, 'session', SESSION],
  [17, 'sipMessage', SIP_MESSAGE],
  [18, 'msrpChunk', MSRP_CHUNK],
  [19, 'message', MESSAGE],
  [20, 'file', FILE],
  [21, 'anomaly', ANOMALY],
];

function writeValue(w: ProtobufWriter, num: number, kind: Kind, v: unknown): void {
  switch (kind) {
    case 'string':
      w.string(num, v as string);
      return;
    case 'bytes':
      w.bytes(num, v as Uint8Array);
      return;
    case 'uint':
      w.tag(num, VARINT).varint(v as number);
      return;
    case 'int64':
      w.tag(num, VARINT).int64(v as number);
      return;
    case 'bool':
      w.tag(num, VARINT).varint(v === true ? 1 : 0);
      return;
    case 'enum':
      w.tag(num, VARINT).varint(PROTO_ENUM_NUMBERS[v as string]!);
      return;
    default:
      w.tag(num, LEN).fork();
      writeFields(w, kind, v as Plain);
      w.ldelim();
  }
}

/** True for a scalar holding its type's default (proto3 implicit presence: not written). */
function isDefault(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return v === '';
    case 'bytes':
      return (v as Uint8Array).length === 0;
    case 'uint':
    case 'int64':
      return v === 0;
    case 'bool':
      return v === false;
    case 'enum':
      return PROTO_ENUM_NUMBERS[v as string] === undefined;
    default:
      return false;
  }
}

/**
 * Writes the members of a plain object that are present, in field-number order, as protobufjs
 * `encode(fromObject(o))` does for proto3: a scalar holding its default (0, "", false, empty
 * bytes, enum 0) is not written (implicit presence), a message member is written when present
 * (even empty), a repeated member once per element.
 */
function writeFields(w: ProtobufWriter, fields: Fields, o: Plain): void {
  for (const [num, name, kind, repeated] of fields) {
    const v = o[name];
    if (v === undefined || v === null) continue;
    if (repeated === true) for (const item of v as unknown[]) writeValue(w, num, kind, item);
    else if (!isDefault(kind, v)) writeValue(w, num, kind, v);
  }
}

const writer = new ProtobufWriter();

/**
 * One record as a length-delimited protobuf message (varint length + message), written straight
 * from the plain object (no protobufjs reflection, no fromObject): the same bytes as protobufjs
 * `encodeDelimited(fromObject(...))`, checked on every sample record by the tests.
 */
export function encodeProtobufRecord(r: MsrptapRecord): Uint8Array {
  writer.fork();
  writeFields(writer, RECORD, protobufRecordObject(r));
  writer.ldelim();
  return writer.finish();
}
