/**
 * Structural checks of a record before it is encoded. The correlator should never build a record
 * that fails these; encoders call `assertValidRecord` and treat a failure as a bug
 * (InvariantError), because emitting a malformed LI record silently is worse than stopping.
 */
import { InvariantError } from '../core/errors.js';
import type { IriEvent } from './iri-event.js';
import type { LiRecord } from './li-record.js';
import { isUuid } from './uuid.js';

const U32_MAX = 0xffffffff;

function checkAddr(name: string, a: Uint8Array, problems: string[]): void {
  if (a.length !== 4 && a.length !== 16) problems.push(`${name}: ${a.length} bytes, expected 4 or 16`);
}

function checkEvent(e: IriEvent, problems: string[]): void {
  switch (e.kind) {
    case 'iMSMessage':
      checkAddr('sip.srcAddr', e.sip.srcAddr, problems);
      checkAddr('sip.dstAddr', e.sip.dstAddr, problems);
      break;
    case 'rCSSessionEstablishment':
    case 'rCSSessionRelease':
      if (e.targetIdentities.length === 0) problems.push('targetIdentities: empty, 33.128 requires SIZE(1..MAX)');
      if (e.sessionDirection !== 'fromTarget' && e.sessionDirection !== 'toTarget') {
        problems.push(`sessionDirection: ${e.sessionDirection} has no 33.128 Direction value`);
      }
      checkAddr('sip.srcAddr', e.sip.srcAddr, problems);
      checkAddr('sip.dstAddr', e.sip.dstAddr, problems);
      break;
    case 'rCSMessage':
      if (e.targetIdentities.length === 0) problems.push('targetIdentities: empty, 33.128 requires SIZE(1..MAX)');
      if (e.originating.length === 0) problems.push('originating: empty, 33.128 requires SIZE(1..MAX)');
      if (e.terminating.length === 0) problems.push('terminating: empty, 33.128 RCSDestination requires SIZE(1..MAX)');
      break;
    case 'iMSCCUnavailable':
      break;
    case 'startOfInterceptionForActiveIMSSession':
      if (e.terminating.type === 'impi') problems.push('terminating: an IMPI is not an IMPU');
      break;
    case 'startOfInterceptWithEstablisedRCSSession':
      if (e.targetIdentities.length === 0) problems.push('targetIdentities: empty');
      if (e.participants.length === 0 || e.participants.some((p) => p.length === 0)) problems.push('participants: empty party or list');
      if (e.sessionInfo.length === 0) problems.push('sessionInfo: empty, 33.128 requires SIZE(1..MAX)');
      break;
  }
}

/** Lists what is wrong with a record (empty when valid). */
export function validateRecord(r: LiRecord): string[] {
  const p: string[] = [];
  if (!isUuid(r.task.xid)) p.push('task.xid: not a UUID');
  if (r.task.liid.length < 1 || r.task.liid.length > 25) p.push('task.liid: length must be 1..25 (TS 103 280 LIID)');
  if (r.correlationId.length !== 8) p.push(`correlationId: ${r.correlationId.length} bytes, expected 8`);
  if (!Number.isInteger(r.communicationIdentityNumber) || r.communicationIdentityNumber < 0 || r.communicationIdentityNumber > U32_MAX) {
    p.push('communicationIdentityNumber: not in 0..2^32-1');
  }
  const n = r.network;
  checkAddr('network.srcAddr', n.srcAddr, p);
  checkAddr('network.dstAddr', n.dstAddr, p);
  if (n.srcAddr.length !== n.dstAddr.length) p.push('network: source and destination address families differ');
  for (const [name, v] of [
    ['srcPort', n.srcPort],
    ['dstPort', n.dstPort],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) p.push(`network.${name}: not in 0..65535`);
  }
  if (!Number.isInteger(n.ipProto) || n.ipProto < 0 || n.ipProto > 255) p.push('network.ipProto: not in 0..255');
  if (!Number.isInteger(n.tsSec) || n.tsSec < 0 || n.tsSec > U32_MAX) p.push('network.tsSec: not in 0..2^32-1');
  if (!Number.isInteger(n.tsNsec) || n.tsNsec < 0 || n.tsNsec > 999_999_999) p.push('network.tsNsec: not in 0..999999999');
  if (r.kind === 'iri') {
    checkEvent(r.event, p);
    if (r.event.kind === 'rCSMessage' && r.direction !== 'fromTarget' && r.direction !== 'toTarget') {
      p.push(`direction: ${r.direction} has no 33.128 Direction value (rCSMessage)`);
    }
  } else if (r.event.bytes.length === 0) {
    p.push('event.bytes: empty MSRP request');
  }
  return p;
}

/** Throws InvariantError listing every problem when the record is not valid. */
export function assertValidRecord(r: LiRecord): void {
  const p = validateRecord(r);
  if (p.length > 0) throw new InvariantError(`invalid LI record: ${p.join('; ')}`);
}
