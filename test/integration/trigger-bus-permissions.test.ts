/**
 * Review R4 (bus authority): the documented nats.conf gave every tap `$KV.msrptap-triggers.>` and
 * keys were bare xIds, so any tap could overwrite another's trigger (an early window end cuts the
 * window) or put one with the receiver's own originTap, which the receiver then dropped without
 * counting it. Now keys are `<tapId>.<xId>`, each tap's user may publish only under its own
 * prefix, and a value whose originTap is not its key's prefix is refused and counted.
 *
 * The nats.conf is read from docs/scaling-out.md itself (only `listen` and `jetstream` are the
 * helper's), so the documented permissions are the ones verified here with a real nats-server.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { SILENT_LOGGER } from '../../src/core/log.js';
import { openTriggerBus } from '../../src/pipeline/trigger-bus-connect.js';
import { TriggerBus } from '../../src/pipeline/trigger-bus.js';
import { encodeMediaTrigger } from '../../src/x1/media-trigger-codec.js';
import { busTrigger, RecordingReceiver } from '../helpers/bus-triggers.js';
import { NatsServer, natsServerMissing } from '../helpers/nats-server.js';

const missing = natsServerMissing();
const DOC = join(import.meta.dirname, '../../docs/scaling-out.md');

/** The production nats.conf of docs/scaling-out.md, without its listen address and store. */
function documentedConf(): string {
  const md = readFileSync(DOC, 'utf8');
  const start = md.indexOf('```\nlisten: 127.0.0.1:4222\n');
  expect(start).toBeGreaterThan(0);
  const body = md.slice(start + 4, md.indexOf('```', start + 4));
  expect(body).toContain('authorization');
  return body
    .split('\n')
    .filter((l) => !l.startsWith('listen:') && !l.startsWith('jetstream'))
    .join('\n');
}

const trigger = (n: number, originTap: string) => busTrigger(n, originTap, 'perm');

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(missing !== undefined)(`trigger bus permissions (docs/scaling-out.md nats.conf)${missing !== undefined ? ` (skipped: ${missing})` : ''}`, () => {
  let server: NatsServer;
  let dir: string;
  const creds = (user: string): string => {
    const f = join(dir, `${user}.json`);
    writeFileSync(f, JSON.stringify({ user, password: `secret-${user.slice(-1)}` }));
    chmodSync(f, 0o600);
    return f;
  };
  /** A tap connected as `user`, calling itself `tapId` (the same, unless it impersonates). */
  const tap = async (user: string, tapId = user): Promise<{ bus: TriggerBus; anomalies: AnomalyCounter; rec: RecordingReceiver }> => {
    const { nc, kv } = await openTriggerBus({ url: server.url, name: tapId, retentionMs: 3_600_000, credsFile: creds(user) });
    const anomalies = new AnomalyCounter();
    const bus = new TriggerBus(nc, kv, { tapId, anomalies, log: SILENT_LOGGER });
    const rec = new RecordingReceiver();
    await bus.watch(rec);
    return { bus, anomalies, rec };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msrptap-perm-'));
    server = await NatsServer.start({ config: documentedConf() });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a tap writes under its own prefix; a put under another tap's prefix is refused by the server and counted; the watch sees every tap's triggers", async () => {
    const a = await tap('tap-a');
    const b = await tap('tap-b');
    const c = await tap('tap-c');
    const ta = trigger(1, 'tap-a');
    const tb = trigger(2, 'tap-b');
    a.bus.activate(ta);
    b.bus.activate(tb);
    expect(await a.bus.flush(5000)).toBe(0);
    expect(await b.bus.flush(5000)).toBe(0);
    await until('tap-c to apply both', () => c.rec.applied.length === 2);
    expect(c.rec.applied.map((t) => t.xId).sort()).toEqual([ta.xId, tb.xId]);
    await until('tap-a and tap-b to apply each other', () => a.rec.applied.length === 1 && b.rec.applied.length === 1);
    expect(a.rec.applied).toEqual([tb]);
    expect(b.rec.applied).toEqual([ta]);
    // Each read its own back: counted, not applied.
    await until('own triggers read back', () => a.bus.stats().own === 1 && b.bus.stats().own === 1);

    // tap-a's credentials, calling itself tap-b: its puts go under tap-b's prefix and are refused.
    const rogue = await tap('tap-a', 'tap-b');
    const early = { ...tb, windowEnd: { sec: tb.windowStart.sec + 1, nsec: 0 } };
    rogue.bus.modify(early);
    await until('the refused put to be counted', () => rogue.bus.stats().publishFailed >= 1, 20_000);
    expect(rogue.bus.stats().published).toBe(0);
    expect(rogue.anomalies.count('bus.publish_failed')).toBeGreaterThanOrEqual(1);
    // Straight through the KV API too.
    const { nc, kv } = await openTriggerBus({ url: server.url, name: 'raw-a', retentionMs: 3_600_000, credsFile: creds('tap-a') });
    await expect(kv.put(`tap-b.${tb.xId}`, new TextEncoder().encode(encodeMediaTrigger(early)))).rejects.toThrow(/permission/i);
    await expect(kv.put(tb.xId, new TextEncoder().encode(encodeMediaTrigger(early)))).rejects.toThrow(/permission/i);
    await nc.close();
    await new Promise((r) => setTimeout(r, 300));
    // Nobody saw the early end: tap-c still has tap-b's trigger open.
    expect(c.rec.applied.filter((t) => t.xId === tb.xId)).toEqual([tb]);
    for (const x of [rogue, a, b, c]) await x.bus.close();
  }, 60_000);

  it("a value under a tap's own prefix claiming another tap's origin is refused and counted, not silently skipped", async () => {
    const b = await tap('tap-b');
    const n0 = b.rec.applied.length;
    const r0 = b.bus.stats();
    // tap-a may write tap-a.<xId>; it claims tap-b as the origin, which tap-b used to skip uncounted.
    const { nc, kv } = await openTriggerBus({ url: server.url, name: 'raw-a', retentionMs: 3_600_000, credsFile: creds('tap-a') });
    const forged = trigger(3, 'tap-b');
    await kv.put(`tap-a.${forged.xId}`, new TextEncoder().encode(encodeMediaTrigger(forged)));
    // And a well-formed one of its own, to know when the watch has passed the forged one.
    const fine = trigger(4, 'tap-a');
    await kv.put(`tap-a.${fine.xId}`, new TextEncoder().encode(encodeMediaTrigger(fine)));
    await nc.close();
    await until('tap-b to apply the fine one', () => b.rec.applied.some((t) => t.xId === fine.xId));
    expect(b.rec.applied.slice(n0)).toEqual([fine]);
    const s = b.bus.stats();
    expect(s.received - r0.received).toBe(2);
    expect(s.refused - r0.refused).toBe(1);
    expect(s.own).toBe(r0.own);
    expect(b.anomalies.count('bus.trigger_refused')).toBe(1);
    expect(b.anomalies.examplesOf('bus.trigger_refused').map((e) => e.detail)).toEqual(['originTap is not the key prefix']);
    await b.bus.close();
  }, 30_000);
});
