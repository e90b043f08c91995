/**
 * The trigger bus against a real nats-server (JetStream KV): round trip between two taps, own
 * triggers skipped, authentication refused clearly, a late tap loading the current set, NATS
 * killed and restarted mid-run, malformed values refused.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { ConfigError } from '../../src/core/errors.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import type { MediaTrigger } from '../../src/correlate/media-trigger.js';
import { openTriggerBus, TRIGGER_BUCKET } from '../../src/pipeline/trigger-bus-connect.js';
import { TriggerBus } from '../../src/pipeline/trigger-bus.js';
import { busTrigger, RecordingReceiver } from '../helpers/bus-triggers.js';
import { NatsServer, natsServerMissing } from '../helpers/nats-server.js';

const missing = natsServerMissing();

const trigger = (n: number, originTap: string) => busTrigger(n, originTap);

async function tap(url: string, tapId: string, extra: { credsFile?: string } = {}): Promise<{ bus: TriggerBus; anomalies: AnomalyCounter }> {
  const { nc, kv } = await openTriggerBus({ url, name: tapId, retentionMs: 3_600_000, ...extra });
  const anomalies = new AnomalyCounter();
  return { bus: new TriggerBus(nc, kv, { tapId, anomalies, log: SILENT_LOGGER }), anomalies };
}

describe.skipIf(missing !== undefined)(`trigger bus over NATS JetStream KV${missing !== undefined ? ` (skipped: ${missing})` : ''}`, () => {
  let server: NatsServer;
  const dirs: string[] = [];
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a trigger published by tap A is applied by tap B, not by A; its release is handed over with its window end; counters say so', async () => {
    const a = await tap(server.url, 'tap-a');
    const b = await tap(server.url, 'tap-b');
    const ra = new RecordingReceiver();
    const rb = new RecordingReceiver();
    await a.bus.watch(ra);
    await b.bus.watch(rb);
    const t = trigger(1, 'tap-a');
    a.bus.activate(t);
    await rb.until(() => rb.applied.length === 1);
    expect(rb.applied[0]).toEqual(t);
    a.bus.deactivate(t.xId, { sec: t.windowStart.sec + 30, nsec: 0 });
    await rb.until(() => rb.applied.length === 2);
    expect(rb.applied[1]).toEqual({ ...t, windowEnd: { sec: t.windowStart.sec + 30, nsec: 0 } });
    expect(await a.bus.flush(5000)).toBe(0);
    expect(ra.applied).toEqual([]);
    expect(a.bus.stats()).toMatchObject({ published: 2, publishFailed: 0, received: 0 });
    expect(b.bus.stats()).toMatchObject({ published: 0, received: 2, refused: 0, applied: 2 });
    expect(b.bus.latency()?.n).toBe(2);
    // The publishing half of the trigger latency: one activation (SIP answer seen) → its put; the
    // deactivation is no new trigger.
    const pub = a.bus.publishLatencyMs();
    expect(pub?.count).toBe(1);
    expect(pub!.max).toBeGreaterThanOrEqual(0);
    expect(b.bus.publishLatencyMs()).toBeNull();
    await a.bus.close();
    await b.bus.close();
  });

  it('a modification and the release coalesced into one put reach the other tap whole: new session ids AND the window end (not only the end)', async () => {
    // The publisher keeps one put in flight and only the latest queued state per xId: queued
    // while the Activate is in flight, a re-INVITE's Modify and the release go out as one value.
    // Handing the other tap only its end lost the new ids (reinvite-update, taps run at once).
    const a = await tap(server.url, 'tap-a');
    const b = await tap(server.url, 'tap-b');
    const rb = new RecordingReceiver();
    await b.bus.watch(rb);
    const n0 = rb.applied.length;
    const t = trigger(11, 'tap-a');
    const moved: MediaTrigger = { ...t, sessionIds: [...t.sessionIds, 'sess11c'], sdpAnswer: 'v=0\r\ns=moved\r\n' };
    const end = { sec: t.windowStart.sec + 9, nsec: 5 };
    a.bus.activate(t);
    a.bus.modify(moved);
    a.bus.deactivate(t.xId, end);
    expect(await a.bus.flush(5000)).toBe(0);
    expect(a.bus.stats().published).toBe(2);
    await rb.until(() => rb.applied.length === n0 + 2);
    expect(rb.applied.slice(n0)).toEqual([t, { ...moved, windowEnd: end }]);
    await a.bus.close();
    await b.bus.close();
  });

  it('a tap started after the triggers were published loads them (a released one with its window) before it returns', async () => {
    const a = await tap(server.url, 'tap-a');
    const t2 = trigger(2, 'tap-a');
    const t3 = trigger(3, 'tap-a');
    a.bus.activate(t2);
    a.bus.activate(t3);
    a.bus.deactivate(t3.xId, { sec: t3.windowStart.sec + 5, nsec: 7 });
    expect(await a.bus.flush(5000)).toBe(0);
    await a.bus.close();
    const c = await tap(server.url, 'tap-c');
    const rc = new RecordingReceiver();
    await c.bus.watch(rc);
    // Already there when watch() resolved: no waiting.
    const got = new Map(rc.applied.map((t) => [t.xId, t]));
    expect(got.get(t2.xId)).toEqual(t2);
    expect(got.get(t3.xId)).toEqual({ ...t3, windowEnd: { sec: t3.windowStart.sec + 5, nsec: 7 } });
    // Each loaded once, the released one with its end (not applied, then withdrawn).
    expect(rc.applied.filter((x) => x.xId === t2.xId || x.xId === t3.xId)).toHaveLength(2);
    await c.bus.close();
  });

  it('a malformed value in the bucket is refused, counted, never applied', async () => {
    const { nc, kv } = await openTriggerBus({ url: server.url, name: 'rogue', retentionMs: 3_600_000 });
    const d = await tap(server.url, 'tap-d');
    const rd = new RecordingReceiver();
    await d.bus.watch(rd);
    const before = rd.applied.length;
    await kv.put('rogue.00000000-0000-4000-8000-00000000bad1', new TextEncoder().encode('<x/>'));
    // A well-formed trigger under another key than `<originTap>.<xId>`: another xId, no tap
    // prefix (bare xId, as before per-tap keys), another tap's prefix.
    const { encodeMediaTrigger } = await import('../../src/x1/media-trigger-codec.js');
    await kv.put('rogue.00000000-0000-4000-8000-00000000bad2', new TextEncoder().encode(encodeMediaTrigger(trigger(9, 'rogue'))));
    const bare = trigger(12, 'rogue');
    await kv.put(bare.xId, new TextEncoder().encode(encodeMediaTrigger(bare)));
    const foreign = trigger(13, 'tap-x');
    await kv.put(`rogue.${foreign.xId}`, new TextEncoder().encode(encodeMediaTrigger(foreign)));
    const t = trigger(10, 'tap-x');
    await kv.put(`tap-x.${t.xId}`, new TextEncoder().encode(encodeMediaTrigger(t)));
    await rd.until(() => rd.applied.length === before + 1);
    expect(rd.applied.at(-1)).toEqual(t);
    expect(d.bus.stats()).toMatchObject({ refused: 4 });
    expect(d.anomalies.count('bus.trigger_refused')).toBe(4);
    expect(
      d.anomalies
        .examplesOf('bus.trigger_refused')
        .slice(1)
        .map((e) => e.detail),
    ).toEqual(['key does not end with the trigger xId', 'key has no tap prefix', 'originTap is not the key prefix']);
    await d.bus.close();
    await nc.close();
  });

  it('NATS killed and restarted mid-run: a trigger published during the outage is retried and arrives, and so does one after', async () => {
    const a = await tap(server.url, 'tap-a');
    const b = await tap(server.url, 'tap-b');
    const rb = new RecordingReceiver();
    await a.bus.watch(new RecordingReceiver());
    await b.bus.watch(rb);
    const n0 = rb.applied.length;
    await server.kill();
    const t = trigger(4, 'tap-a');
    a.bus.activate(t);
    await new Promise((r) => setTimeout(r, 1500));
    await server.restart();
    await rb.until(() => rb.applied.some((x) => x.xId === t.xId), 20_000);
    const t5 = trigger(5, 'tap-a');
    a.bus.activate(t5);
    await rb.until(() => rb.applied.some((x) => x.xId === t5.xId), 20_000);
    expect(rb.applied.length).toBeGreaterThanOrEqual(n0 + 2);
    expect(await a.bus.flush(10_000)).toBe(0);
    expect(a.bus.stats().published).toBeGreaterThanOrEqual(2);
    await a.bus.close();
    await b.bus.close();
  }, 60_000);

  describe('credentials', () => {
    let secured: NatsServer;
    let dir: string;
    beforeAll(async () => {
      secured = await NatsServer.start({ user: 'tap', password: 's3cret' });
      dir = mkdtempSync(join(tmpdir(), 'msrptap-creds-'));
      dirs.push(dir);
    });
    afterAll(async () => {
      await secured?.stop();
    });
    const creds = (name: string, body: object, mode = 0o600): string => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(body));
      chmodSync(f, mode);
      return f;
    };

    it('wrong password: refused with a clear ConfigError; none: refused too', async () => {
      const bad = creds('bad.json', { user: 'tap', password: 'nope' });
      await expect(openTriggerBus({ url: secured.url, name: 't', retentionMs: 60_000, credsFile: bad, timeoutMs: 3000 })).rejects.toThrow(/refused the credentials/);
      await expect(openTriggerBus({ url: secured.url, name: 't', retentionMs: 60_000, timeoutMs: 3000 })).rejects.toBeInstanceOf(ConfigError);
    });

    it('the right password from a 0600 file works; a file others may read is refused', async () => {
      const good = creds('good.json', { user: 'tap', password: 's3cret' });
      const { nc, kv } = await openTriggerBus({ url: secured.url, name: 't', retentionMs: 60_000, credsFile: good });
      const st = await kv.status();
      expect([st.bucket, st.ttl, st.history]).toEqual([TRIGGER_BUCKET, 60_000, 1]);
      await nc.close();
      const open = creds('open.json', { user: 'tap', password: 's3cret' }, 0o644);
      await expect(openTriggerBus({ url: secured.url, name: 't', retentionMs: 60_000, credsFile: open })).rejects.toThrow(/may be read by others/);
    });
  });
});
