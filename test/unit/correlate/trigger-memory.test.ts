/**
 * Review finding: the trigger table is capped by count only (maxTriggers, default 100 000) while
 * each applied trigger keeps its SDP answer (up to 64 KiB accepted by the codec): bus input can
 * pin ~6 GiB, far past the run's 256 MiB budget. 2 000 triggers are enough to pin 128 MiB.
 */
import { describe, expect, it } from 'vitest';
import type { MediaTrigger } from '../../../src/correlate/media-trigger.js';
import { Harness, T0, type TaskSpec, XID_A } from '../../helpers/correlate-helpers.js';

const ALICE_TASK: TaskSpec[] = [{ ids: [{ sipUri: 'sip:alice@ims.example.com' }] }];

describe('memory held by bus triggers (trigger review F9)', () => {
  it('applied triggers do not pin more than 32 MiB of SDP', () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    const sdp = 'a'.repeat(64 * 1024 - 1);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 2000; i++) {
      const t: MediaTrigger = {
        xId: `0a0a0a0a-0000-8000-8000-${String(i).padStart(12, '0')}`,
        originTap: 'tap-evil',
        productId: XID_A,
        correlationId: '0102030405060708',
        dids: [],
        sessionIds: [`s${i}`],
        endpoints: [],
        sdpOffer: '',
        sdpAnswer: sdp + String(i % 10),
        windowStart: { sec: T0, nsec: 0 },
        windowEnd: null,
      };
      h.correlator.applyTrigger(t);
    }
    const pinned = process.memoryUsage().arrayBuffers - before;
    expect(pinned).toBeLessThan(32 * 2 ** 20);
    // All applied (none evicted: the default cap is 10 000); those past the 16 MiB budget without SDP.
    expect(h.correlator.stats()).toMatchObject({ triggersActive: 2000, triggersEvicted: 0, triggerSdpsDropped: 2000 - 256 });
    expect(h.anomalies.toJSON()).toMatchObject({ 'correlate.trigger_sdp_dropped': 2000 - 256 });
  });
});
