/**
 * Trigger review F11: a refused trigger's reason (the bus.trigger_refused anomaly detail and log
 * field, src/pipeline/trigger-bus.ts) named the offending element as the bus sent it, of any
 * length: a 100 089-character reason carrying an identity. Reasons name rules, not content.
 */
import { describe, expect, it } from 'vitest';
import type { MediaTrigger } from '../../../src/correlate/media-trigger.js';
import { decodeMediaTrigger, encodeMediaTrigger } from '../../../src/x1/media-trigger-codec.js';

const T: MediaTrigger = {
  xId: '0a0a0a0a-0000-8000-8000-000000000001',
  originTap: 'tap-sip',
  productId: '11111111-2222-4333-8444-555555555555',
  correlationId: '0102030405060708',
  dids: ['22222222-2222-4333-8444-555555555555'],
  sessionIds: ['sidA', 'sidB'],
  targetSessionIds: ['sidA'],
  endpoints: [{ addr: '10.0.0.1', port: 2855 }],
  sdpOffer: 'v=0\r\n',
  sdpAnswer: 'v=0\r\n',
  windowStart: { sec: 1790000000, nsec: 5 },
  windowEnd: { sec: 1790000001, nsec: 5 },
};

function refusalOf(elementName: string): string {
  const xml = encodeMediaTrigger(T, { now: new Date(0), newId: () => '00000000-0000-4000-8000-000000000000' });
  const bad = xml.replace('<x1:deliveryType>', `<x1:${elementName}>1</x1:${elementName}><x1:deliveryType>`);
  const d = decodeMediaTrigger(new TextEncoder().encode(bad));
  expect(d.ok).toBe(false);
  return d.ok ? '' : d.reason;
}

describe('trigger refusal reasons (trigger review F11)', () => {
  it('a refused trigger reason does not echo bus content of any length', () => {
    const reason = refusalOf(`sip.alice.ims.example.com.${'x'.repeat(100_000)}`);
    expect(reason).not.toContain('alice');
    expect(reason.length).toBeLessThan(512);
    expect(reason).toMatch(/unexpected or out-of-order element \(a name of 100026 characters\)/);
    // A short plain name is still named (an operator can find the typo).
    expect(refusalOf('deliveryTyp')).toMatch(/unexpected or out-of-order element deliveryTyp$/);
  });
});
