/**
 * Triggers and a recording receiver for the trigger-bus integration tests
 * (test/integration/trigger-bus*.test.ts): one shape of test trigger, numbered.
 */
import type { MediaTrigger } from '../../src/correlate/media-trigger.js';
import type { TriggerReceiver } from '../../src/pipeline/trigger-bus.js';

/** Trigger number `n` from `originTap`; `tag` keeps the xIds and session ids of two test files apart. */
export function busTrigger(n: number, originTap: string, tag = 'sess'): MediaTrigger {
  const xIdPrefix = tag === 'sess' ? '4d9a1f1e' : '5e0b2a2f';
  return {
    xId: `${xIdPrefix}-3a52-4c47-9d0b-${String(n).padStart(12, '0')}`,
    originTap,
    productId: '29f28e1c-f230-486a-a860-f5a784ab9172',
    correlationId: n.toString(16).padStart(16, '0'),
    dids: ['19867c20-8c94-473e-b9cd-8b72b7b05fd4'],
    sessionIds: [`${tag}${n}a`, `${tag}${n}b`],
    endpoints: [{ addr: '192.0.2.1', port: 2855 + n }],
    sdpOffer: `v=0\r\nm=message ${2855 + n} TCP/MSRP *\r\n`,
    sdpAnswer: 'v=0\r\n',
    windowStart: { sec: 1_765_000_000 + n, nsec: 1 },
    windowEnd: null,
  };
}

/** Keeps every trigger applied to it; {@link until} waits for a condition on them. */
export class RecordingReceiver implements TriggerReceiver {
  readonly applied: MediaTrigger[] = [];
  private waiters: (() => void)[] = [];
  applyTrigger(t: MediaTrigger): void {
    this.applied.push(t);
    for (const w of this.waiters.splice(0)) w();
  }
  async until(cond: () => boolean, ms = 10_000): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out: applied ${this.applied.length}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
}
