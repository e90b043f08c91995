/**
 * The LI_T3 trigger and parties the trigger tests share (issue 15): Alice is the target, her MSRP
 * endpoint session id is `sidA`, her peer Bob's `sidB`; the trigger names both, Alice's as the
 * target's side, for the task XID_A, published by `tap-sip`.
 */
import type { MediaTrigger } from '../../src/correlate/media-trigger.js';
import { T0, type TaskSpec, uri, XID_A } from './correlate-helpers.js';

export const ALICE_TASK: TaskSpec[] = [{ ids: [{ sipUri: 'sip:alice@ims.example.com' }] }];
export const A_MSRP = { ip: '10.0.0.1', port: 40001 };
export const B_MSRP = { ip: '10.0.1.2', port: 2855 };
export const A_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA');
export const B_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidB');

/** A trigger for Alice's session with Bob, open from T0; `o` overrides any field. */
export function aTrigger(o: Partial<MediaTrigger> = {}): MediaTrigger {
  return {
    xId: '0a0a0a0a-0000-8000-8000-000000000001',
    originTap: 'tap-sip',
    productId: XID_A,
    correlationId: '0102030405060708',
    dids: [],
    sessionIds: ['sidA', 'sidB'],
    targetSessionIds: ['sidA'],
    endpoints: [],
    sdpOffer: '',
    sdpAnswer: '',
    windowStart: { sec: T0, nsec: 0 },
    windowEnd: null,
    ...o,
  };
}
