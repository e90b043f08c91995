/**
 * Review R4: a trigger's bucket key is `<originTap>.<xId>` so the server's permissions can give
 * each tap its own prefix; a value is refused (the typed `bus.trigger_refused` reason) unless its
 * key is exactly that.
 */
import { describe, expect, it } from 'vitest';
import type { MediaTrigger } from '../../../src/correlate/media-trigger.js';
import { keyRefusal, triggerKey } from '../../../src/pipeline/trigger-bus.js';

const XID = '4d9a1f1e-3a52-4c47-9d0b-000000000001';
const t = (originTap: string): MediaTrigger => ({
  xId: XID,
  originTap,
  productId: '29f28e1c-f230-486a-a860-f5a784ab9172',
  correlationId: '0000000000000001',
  dids: [],
  sessionIds: ['s1'],
  endpoints: [],
  sdpOffer: '',
  sdpAnswer: '',
  windowStart: { sec: 1, nsec: 0 },
  windowEnd: null,
});

describe('trigger keys', () => {
  it('the key of a tap (dotted or not) and its own trigger agree', () => {
    expect(triggerKey('tap-a', XID)).toBe(`tap-a.${XID}`);
    expect(keyRefusal(triggerKey('tap-a', XID), t('tap-a'))).toBeUndefined();
    expect(keyRefusal(triggerKey('site1.tap-a', XID), t('site1.tap-a'))).toBeUndefined();
  });
  it('refuses, with the rule broken: another origin, another xId, no prefix', () => {
    expect(keyRefusal(`tap-a.${XID}`, t('tap-b'))).toBe('originTap is not the key prefix');
    // A dotted prefix of the right tap is not that tap.
    expect(keyRefusal(`site1.tap-a.${XID}`, t('tap-a'))).toBe('originTap is not the key prefix');
    expect(keyRefusal('tap-a.4d9a1f1e-3a52-4c47-9d0b-000000000002', t('tap-a'))).toBe('key does not end with the trigger xId');
    expect(keyRefusal(XID, t('tap-a'))).toBe('key has no tap prefix');
  });
});
