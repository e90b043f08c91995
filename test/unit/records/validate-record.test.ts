import { describe, expect, it } from 'vitest';
import { imsIdentityFromText } from '../../../src/records/ims-identity.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { wantsCc, wantsIri } from '../../../src/records/task-ref.js';
import { formatUuid, isUuid, parseUuid } from '../../../src/records/uuid.js';
import { assertValidRecord, validateRecord } from '../../../src/records/validate-record.js';
import { ALL_RECORDS, CC_TEXT, IRI_RECORDS, TASK } from '../../helpers/sample-records.js';

describe('validateRecord', () => {
  it.each(ALL_RECORDS.map((r, i) => [i, r] as const))('sample record %i is valid', (_i, r) => {
    expect(validateRecord(r)).toEqual([]);
  });

  const rcsMsg = IRI_RECORDS.rCSMessage;
  const cases: [string, LiRecord, RegExp][] = [
    ['xid not a UUID', { ...CC_TEXT, task: { ...TASK, xid: 'x' } }, /xid/],
    ['empty LIID', { ...CC_TEXT, task: { ...TASK, liid: '' } }, /liid/],
    ['26-character LIID', { ...CC_TEXT, task: { ...TASK, liid: 'a'.repeat(26) } }, /liid/],
    ['7-byte correlation ID', { ...CC_TEXT, correlationId: new Uint8Array(7) }, /correlationId/],
    ['negative CIN', { ...CC_TEXT, communicationIdentityNumber: -1 }, /communicationIdentityNumber/],
    ['CIN 2^32', { ...CC_TEXT, communicationIdentityNumber: 2 ** 32 }, /communicationIdentityNumber/],
    ['5-byte address', { ...CC_TEXT, network: { ...CC_TEXT.network, srcAddr: new Uint8Array(5) } }, /srcAddr/],
    ['mixed families', { ...CC_TEXT, network: { ...CC_TEXT.network, dstAddr: new Uint8Array(16) } }, /families/],
    ['port 70000', { ...CC_TEXT, network: { ...CC_TEXT.network, dstPort: 70000 } }, /dstPort/],
    ['protocol 256', { ...CC_TEXT, network: { ...CC_TEXT.network, ipProto: 256 } }, /ipProto/],
    ['nanoseconds 1e9', { ...CC_TEXT, network: { ...CC_TEXT.network, tsNsec: 1e9 } }, /tsNsec/],
    ['empty MSRP request', { ...CC_TEXT, event: { ...CC_TEXT.event, bytes: new Uint8Array(0) } }, /empty/],
    ['rCSMessage without originating identities', { ...rcsMsg, event: { ...(rcsMsg.event as never as object), originating: [] } } as unknown as LiRecord, /originating/],
    ['rCSMessage with direction combined', { ...rcsMsg, direction: 'combined' }, /direction/],
    ['session event with session direction unknown', { ...IRI_RECORDS.rCSSessionRelease, event: { ...(IRI_RECORDS.rCSSessionRelease.event as never as object), sessionDirection: 'unknown' } } as unknown as LiRecord, /sessionDirection/],
    [
      'start of interception with an IMPI terminating id',
      { ...IRI_RECORDS.startOfInterceptionForActiveIMSSession, event: { ...(IRI_RECORDS.startOfInterceptionForActiveIMSSession.event as never as object), terminating: { type: 'impi', value: 'a@b' } } } as unknown as LiRecord,
      /IMPI/,
    ],
    [
      'RCS start of interception without session info',
      { ...IRI_RECORDS.startOfInterceptWithEstablisedRCSSession, event: { ...(IRI_RECORDS.startOfInterceptWithEstablisedRCSSession.event as never as object), sessionInfo: [] } } as unknown as LiRecord,
      /sessionInfo/,
    ],
  ];
  it.each(cases)('finds: %s', (_n, r, re) => {
    expect(validateRecord(r).join('; ')).toMatch(re);
    expect(() => assertValidRecord(r)).toThrow(re);
  });
});

describe('record vocabulary helpers', () => {
  it('UUIDs in RFC 4122 byte order', () => {
    const b = parseUuid('{2B3C4D5E-6F70-4182-93A4-B5C6D7E8F901}')!;
    expect(Array.from(b.subarray(0, 4))).toEqual([0x2b, 0x3c, 0x4d, 0x5e]);
    expect(formatUuid(b)).toBe('2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901');
    expect(parseUuid('urn:uuid:2b3c4d5e6f70418293a4b5c6d7e8f901')).toEqual(b);
    expect(isUuid('2b3c4d5e-6f70-4182-93a4-b5c6d7e8f90')).toBe(false);
  });
  it.each([
    ['sip:a@b', 'sipUri'],
    ['SIPS:a@b', 'sipUri'],
    ['Tel:+49', 'telUri'],
    ['a@ims.example', 'impi'],
  ] as const)('classifies %s as %s', (t, type) => {
    expect(imsIdentityFromText(t)).toEqual({ type, value: t });
  });
  it('delivery types', () => {
    expect([wantsIri({ ...TASK, deliveryType: 'X3Only' }), wantsCc({ ...TASK, deliveryType: 'X3Only' })]).toEqual([false, true]);
    expect([wantsIri({ ...TASK, deliveryType: 'X2Only' }), wantsCc({ ...TASK, deliveryType: 'X2Only' })]).toEqual([true, false]);
    expect([wantsIri(TASK), wantsCc(TASK)]).toEqual([true, true]);
  });
});
