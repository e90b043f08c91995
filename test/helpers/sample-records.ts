/**
 * Sample LI records of every event kind, for the encoder tests (unit, fuzz, integration).
 * Values are fixed so golden bytes stay stable.
 */
import type { CcRecord, IriRecord, LiRecord } from '../../src/records/li-record.js';
import type { IriEvent } from '../../src/records/iri-event.js';
import type { TaskRef } from '../../src/records/task-ref.js';

export const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

export const TASK: TaskRef = {
  xid: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
  liid: 'LIID-0001',
  deliveryType: 'X2andX3',
  matchedTargetId: 'sip:alice@example.com',
  targetRole: 'originating',
};

export const ALICE = [
  { type: 'sipUri', value: 'sip:alice@example.com' },
  { type: 'telUri', value: 'tel:+4930123456' },
] as const;
export const BOB = [{ type: 'sipUri', value: 'sip:bob@example.net' }] as const;

export const SDP = enc('v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=message 7777 TCP/MSRP *\r\na=accept-types:message/cpim\r\na=path:msrp://192.0.2.10:7777/s111;tcp\r\n');

export const INVITE = enc(
  'INVITE sip:bob@example.net SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK1\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.net>\r\nCall-ID: c1@192.0.2.10\r\nCSeq: 1 INVITE\r\nConversation-ID: 0f0e0d0c-0b0a-4908-8706-050403020100\r\nContribution-ID: 11111111-2222-4333-8444-555555555555\r\nContent-Type: application/sdp\r\nContent-Length: ' +
    SDP.length +
    '\r\n\r\n' +
    Buffer.from(SDP).toString('utf8'),
);

export const BYE = enc('BYE sip:bob@example.net SIP/2.0\r\nCall-ID: c1@192.0.2.10\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n');

export const MSRP_SEND = enc(
  'MSRP a786hjs2 SEND\r\nTo-Path: msrp://192.0.2.20:8888/s222;tcp\r\nFrom-Path: msrp://192.0.2.10:7777/s111;tcp\r\nMessage-ID: 87652491\r\nByte-Range: 1-25/25\r\nContent-Type: message/cpim\r\n\r\nFrom: <sip:alice@example.com>\r\n-------a786hjs2$\r\n',
);

/** A SEND chunk with a binary body (not valid UTF-8). */
export const MSRP_BINARY = new Uint8Array([
  ...enc('MSRP b1 SEND\r\nTo-Path: msrp://192.0.2.20:8888/s222;tcp\r\nFrom-Path: msrp://192.0.2.10:7777/s111;tcp\r\nMessage-ID: m2\r\nByte-Range: 1-4/4\r\nContent-Type: image/png\r\n\r\n'),
  0x89,
  0x50,
  0xff,
  0xfe,
  ...enc('\r\n-------b1$\r\n'),
]);

export const CPIM = enc('From: <sip:alice@example.com>\r\nTo: <sip:bob@example.net>\r\nimdn.Message-ID: Msg1\r\n\r\nContent-Type: text/plain\r\n\r\nHello Bob\r\n');

const SRC4 = Uint8Array.of(192, 0, 2, 10);
const DST4 = Uint8Array.of(192, 0, 2, 20);

export const NET = { srcAddr: SRC4, dstAddr: DST4, srcPort: 7777, dstPort: 8888, ipProto: 6, tsSec: 1_764_320_400, tsNsec: 123_456_789, frameNo: 42 };
export const SIP_NET = { ...NET, srcPort: 5060, dstPort: 5060 };

const CID = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);

const base = { task: TASK, correlationId: CID, communicationIdentityNumber: 77 } as const;

export function iri(event: IriEvent, overrides: Partial<IriRecord> = {}): IriRecord {
  return { ...base, kind: 'iri', iriType: 'report', direction: 'fromTarget', network: SIP_NET, event, ...overrides };
}

export const SIP_REF = { raw: INVITE, srcAddr: SRC4, dstAddr: DST4 };

const sessionInfo = {
  targetIdentities: ALICE,
  originating: ALICE,
  terminating: BOB,
  conversationId: '0f0e0d0c-0b0a-4908-8706-050403020100',
  contributionId: '11111111-2222-4333-8444-555555555555',
  sessionType: 'oneTo1Chat',
  sessionDirection: 'fromTarget',
  sessionLeg: 'localLeg',
} as const;

/** One record of every IRI event kind. */
export const IRI_RECORDS: Record<IriEvent['kind'], IriRecord> = {
  iMSMessage: iri({ kind: 'iMSMessage', sip: SIP_REF }, { iriType: 'begin' }),
  rCSSessionEstablishment: iri({ kind: 'rCSSessionEstablishment', ...sessionInfo, sip: SIP_REF, result: 'newLegEstablished', msrpPath: 'msrp://192.0.2.10:7777/s111;tcp' }, { iriType: 'begin' }),
  rCSSessionRelease: iri({ kind: 'rCSSessionRelease', ...sessionInfo, sip: { ...SIP_REF, raw: BYE }, result: 'legRemovalComplete' }, { iriType: 'end' }),
  rCSMessage: iri(
    {
      kind: 'rCSMessage',
      targetIdentities: ALICE,
      originating: ALICE,
      terminating: BOB,
      messageType: 'messageWithUserContent',
      conversationId: '0f0e0d0c-0b0a-4908-8706-050403020100',
      contributionId: '11111111-2222-4333-8444-555555555555',
      imdnMessageId: 'Msg1',
      msrpMessageId: '87652491',
      contentType: 'message/cpim',
      content: CPIM,
    },
    { iriType: 'continue', network: NET },
  ),
  iMSCCUnavailable: iri({ kind: 'iMSCCUnavailable', reason: 'MSRP over TLS', sdp: SDP }, { direction: 'notApplicable' }),
  startOfInterceptionForActiveIMSSession: iri({ kind: 'startOfInterceptionForActiveIMSSession', originating: ALICE, terminating: BOB[0], sdpState: [SDP] }, { direction: 'unknown' }),
  startOfInterceptWithEstablisedRCSSession: iri(
    {
      kind: 'startOfInterceptWithEstablisedRCSSession',
      targetIdentities: ALICE,
      participants: [ALICE, BOB],
      conversationId: '0f0e0d0c-0b0a-4908-8706-050403020100',
      sessionType: 'oneTo1Chat',
      endpoints: 'localAndRemote',
      sessionInfo: [{ contentType: 'application/sdp', content: Buffer.from(SDP).toString('utf8') }],
    },
    { direction: 'unknown' },
  ),
};

export function cc(bytes: Uint8Array, overrides: Partial<CcRecord> = {}): CcRecord {
  return { ...base, kind: 'cc', direction: 'fromTarget', network: NET, event: { kind: 'msrpRequest', bytes, method: 'SEND', sdp: SDP }, ...overrides };
}

export const CC_TEXT = cc(MSRP_SEND);
export const CC_BINARY = cc(MSRP_BINARY, { direction: 'toTarget' });

export const ALL_RECORDS: readonly LiRecord[] = [...Object.values(IRI_RECORDS), CC_TEXT, CC_BINARY];
