/**
 * The trigger bus (issue 15; TS 33.127 clause 5.3.3 LI_T3, TS 33.128 clause 5.2.5): taps tell
 * each other which MSRP media to intercept, through a NATS JetStream KV bucket keyed
 * `<tapId>.<xId>`. The value is the trigger's X1 request (src/x1/media-trigger-codec.ts).
 *
 * Authority (review R4): the key's prefix is the publishing tap, so the bus permissions can give
 * each tap's user publish rights to `$KV.msrptap-triggers.<tapId>.>` only (docs/scaling-out.md):
 * no tap can overwrite another's trigger (an early window end would cut its window). A value
 * whose originTap is not its key's prefix is refused, so a tap cannot speak for another either.
 *
 * Publish side ({@link MediaTriggerSink}): the correlator calls activate/modify/deactivate on the
 * packet loop; this only encodes and queues. One put at a time goes out, in order; a failed put
 * is counted, reported and retried with a backoff, so a NATS restart delays triggers but loses
 * none while the queue (coalesced per xId: only the latest state of a trigger is worth sending)
 * stays under its cap. A deactivation is a put of the trigger with its window end: it stays in
 * the bucket until the bucket's max age, so a tap that processes its capture later still
 * applies it to the frames of that window.
 *
 * Receive side: a KV watch delivers the current values first, then every change (so a tap that
 * starts late gets the set before it reads a frame); it is started again when it ends (a NATS
 * restart). Each value is decoded strictly: a malformed one is refused (`bus.trigger_refused`)
 * and never applied. A tap's own triggers are counted (`own`) and skipped: it correlated those
 * sessions itself; only its own prefix can hold them, so no other tap can make it skip one.
 */
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import type { AnomalySink } from '../core/anomaly.js';
import type { Logger } from '../core/log.js';
import { LatencySamples, type Percentiles } from '../correlate/latency-samples.js';
import type { CaptureInstant, MediaTrigger, MediaTriggerSink } from '../correlate/media-trigger.js';
import { decodeMediaTrigger, encodeMediaTrigger } from '../x1/media-trigger-codec.js';

/** Where received triggers go: the correlator (its receive side). Each state of a trigger, whole (a released one with its window end). */
export interface TriggerReceiver {
  applyTrigger(t: MediaTrigger): void;
}

export interface TriggerBusStats {
  /** Puts acknowledged by the server. */
  published: number;
  /** Failed put attempts (each retried). */
  publishFailed: number;
  /** Triggers of other taps read from the bucket. */
  received: number;
  /** Of those, refused as malformed. */
  refused: number;
  /** Of those, handed to the correlator. */
  applied: number;
  /** This tap's own triggers read back from the bucket (well-formed, under its own prefix): skipped. */
  own: number;
  /** Triggers still queued for a put. */
  queued: number;
}

export interface TriggerBusOptions {
  readonly tapId: string;
  readonly anomalies: AnomalySink;
  readonly log: Logger;
  /** Queued puts at most (distinct xIds); beyond it the oldest is dropped (`bus.publish_dropped`). */
  readonly maxQueued?: number;
  /** Published triggers remembered for their deactivation (xIds); beyond it the oldest is forgotten. */
  readonly maxOpen?: number;
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5000;
/** Latency samples kept (a ring): enough for percentiles, bounded. */
const LATENCY_SAMPLES = 4096;
/** The initial values of the bucket are read within this (ms), or the run starts without the rest. */
const INITIAL_LOAD_MAX_MS = 10_000;

export class TriggerBus implements MediaTriggerSink {
  private readonly counts: Omit<TriggerBusStats, 'queued'> = { published: 0, publishFailed: 0, received: 0, refused: 0, applied: 0, own: 0 };
  /**
   * xId → the value to put (Map order = queue order; a newer state replaces the queued one) and,
   * for a first activation, when the correlator asked for it (the SIP answer was seen).
   */
  private readonly queue = new Map<string, { body: Uint8Array; activatedMs: number | undefined }>();
  /** SIP answer seen (activate) → the put acknowledged: the publishing half of the trigger latency (issue 15 bench). */
  private readonly publishLatency = new LatencySamples();
  /** Triggers published and not yet released, for `deactivate(xId, end)`. */
  private readonly open = new Map<string, MediaTrigger>();
  /** xId → the revision last applied (a re-watch delivers the current values again). */
  private readonly seen = new Map<string, number>();
  private readonly latencyMs: number[] = [];
  private latencyAt = 0;
  private sending = false;
  private closed = false;
  private watcher: QueuedIterator<KvWatchEntry> | undefined;
  private watching: Promise<void> | undefined;
  private idle: (() => void)[] = [];
  private readonly startedMs = Date.now();

  constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly o: TriggerBusOptions,
  ) {}

  // --- publish side ---------------------------------------------------------------------

  activate(t: MediaTrigger): void {
    this.publish(t, false, Date.now());
  }

  modify(t: MediaTrigger): void {
    this.publish(t, true);
  }

  deactivate(xId: string, end: CaptureInstant): void {
    const t = this.open.get(xId);
    if (t === undefined) return;
    this.open.delete(xId);
    this.enqueue(xId, encodeMediaTrigger({ ...t, windowEnd: end }));
  }

  private publish(t: MediaTrigger, modified: boolean, activatedMs?: number): void {
    this.open.delete(t.xId);
    this.open.set(t.xId, t);
    if (this.open.size > (this.o.maxOpen ?? 100_000)) this.open.delete(this.open.keys().next().value!);
    this.enqueue(t.xId, encodeMediaTrigger(t, { modified }), activatedMs);
  }

  private enqueue(xId: string, xml: string, activatedMs?: number): void {
    if (this.closed) {
      this.o.anomalies.report('bus.publish_dropped', undefined, 'bus closed');
      return;
    }
    // A state coalesced into a queued activation is still that activation's first put.
    this.queue.set(xId, { body: new TextEncoder().encode(xml), activatedMs: this.queue.get(xId)?.activatedMs ?? activatedMs });
    if (this.queue.size > (this.o.maxQueued ?? 10_000)) {
      this.queue.delete(this.queue.keys().next().value!);
      this.o.anomalies.report('bus.publish_dropped', undefined, `queue cap ${this.o.maxQueued ?? 10_000}`);
    }
    if (!this.sending) void this.send();
  }

  /** Sends the queue head by head; one put in flight keeps a trigger's states in order. */
  private async send(): Promise<void> {
    this.sending = true;
    let wait = RETRY_MIN_MS;
    while (this.queue.size > 0 && !this.closed) {
      const [xId, queued] = this.queue.entries().next().value!;
      try {
        await this.kv.put(triggerKey(this.o.tapId, xId), queued.body);
        this.counts.published++;
        wait = RETRY_MIN_MS;
        if (queued.activatedMs !== undefined) this.publishLatency.add(Date.now() - queued.activatedMs);
        // Replaced while in flight: the newer state is still queued and goes next (its activation is measured now).
        const now = this.queue.get(xId);
        if (now === queued) this.queue.delete(xId);
        else if (now !== undefined) now.activatedMs = undefined;
      } catch (e) {
        if (this.closed) break;
        this.counts.publishFailed++;
        this.o.anomalies.report('bus.publish_failed', undefined, (e as Error).name);
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, RETRY_MAX_MS);
      }
    }
    this.sending = false;
    for (const f of this.idle.splice(0)) f();
  }

  /** Waits until every queued trigger was put, or `timeoutMs`; returns how many are left. */
  async flush(timeoutMs: number): Promise<number> {
    if (this.queue.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => this.idle.push(r)), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
    return this.queue.size;
  }

  // --- receive side ---------------------------------------------------------------------

  /**
   * Starts watching the bucket; resolves once the current triggers were handed to `receiver`
   * (the watch's initial values), so a run applies them before its first frame.
   */
  async watch(receiver: TriggerReceiver): Promise<void> {
    let loaded!: () => void;
    const initial = new Promise<void>((r) => (loaded = r));
    this.watching = this.watchLoop(receiver, loaded);
    // Values that expired between the count and the watch would leave it waiting: bounded.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([initial, new Promise<void>((r) => (timer = setTimeout(r, INITIAL_LOAD_MAX_MS)))]);
    clearTimeout(timer);
  }

  private async watchLoop(receiver: TriggerReceiver, loaded: () => void): Promise<void> {
    while (!this.closed) {
      try {
        // The initial values end with the one the consumer has nothing pending after (delta 0);
        // an empty bucket has none to wait for.
        const values = (await this.kv.status()).values;
        const w = await this.kv.watch();
        this.watcher = w;
        if (values === 0) loaded();
        for await (const e of w) {
          this.entry(e, receiver);
          if (e.delta === 0) loaded();
        }
      } catch (e) {
        if (this.closed) break;
        this.o.log.log('warn', 'bus.watch_failed', { reason: (e as Error).message });
      }
      if (this.closed) break;
      this.o.anomalies.report('bus.watch_restarted');
      await new Promise((r) => setTimeout(r, RETRY_MIN_MS));
    }
    loaded();
  }

  private entry(e: KvWatchEntry, receiver: TriggerReceiver): void {
    if (e.operation !== 'PUT') return;
    const prev = this.seen.get(e.key);
    if (prev !== undefined && prev >= e.revision) return;
    const d = decodeMediaTrigger(e.value);
    // Capped: the decoder's reasons name rules, never content (src/x1/x1-request-decoder.ts shownName).
    const reason = d.ok ? keyRefusal(e.key, d.trigger) : d.reason.slice(0, 200);
    if (d.ok && reason === undefined && d.trigger.originTap === this.o.tapId) {
      this.counts.own++;
      this.remember(e.key, e.revision);
      return;
    }
    this.counts.received++;
    if (!d.ok || reason !== undefined) {
      this.counts.refused++;
      // The reason names the rule broken; the key is a tap id and a task id (no identity).
      this.o.anomalies.report('bus.trigger_refused', undefined, reason);
      this.o.log.log('warn', 'bus.trigger_refused', { key: e.key.slice(0, 104), reason });
      return;
    }
    const t = d.trigger;
    this.remember(e.key, e.revision);
    // Every state is handed over whole, a known trigger's with its window end too: the publisher
    // coalesces the queued states of a trigger (only the latest is put), so a value may carry a
    // re-INVITE's new session ids AND the release at once. Handing over only the end dropped the
    // new ids (reinvite-update split over taps run at once: the new session never claimed).
    // The correlator tells a first state, a modification and a release apart (../correlate/trigger-claims.ts).
    receiver.applyTrigger(t);
    this.counts.applied++;
    // Bus latency: server time of the put to applied here (same-host clocks in the tests).
    if (e.created.getTime() >= this.startedMs) this.sample(Date.now() - e.created.getTime());
  }

  private remember(key: string, revision: number): void {
    this.seen.set(key, revision);
    if (this.seen.size > (this.o.maxOpen ?? 100_000)) this.seen.delete(this.seen.keys().next().value!);
  }

  private sample(ms: number): void {
    if (this.latencyMs.length < LATENCY_SAMPLES) this.latencyMs.push(ms);
    else this.latencyMs[this.latencyAt++ % LATENCY_SAMPLES] = ms;
  }

  /** Put → applied latency percentiles (ms) of the triggers received live, or undefined. */
  latency(): { n: number; p50: number; p90: number; p99: number; max: number } | undefined {
    if (this.latencyMs.length === 0) return undefined;
    const s = [...this.latencyMs].sort((a, b) => a - b);
    const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
    return { n: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1]! };
  }

  /** SIP answer seen on this tap (activate) → put acknowledged by the server, ms; null before the first. */
  publishLatencyMs(): Percentiles | null {
    return this.publishLatency.percentiles();
  }

  stats(): TriggerBusStats {
    return { ...this.counts, queued: this.queue.size };
  }

  /** Stops watching and publishing and closes the connection (queued puts are dropped: flush first). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.queue.size > 0) this.o.anomalies.report('bus.publish_dropped', undefined, `${this.queue.size} queued at close`);
    this.watcher?.stop();
    await this.nc.drain().catch(() => this.nc.close());
    await this.watching?.catch(() => undefined);
  }
}

/** The bucket key of a trigger: its publishing tap, then its xId (a UUID: no dot), as NATS subject tokens. */
export function triggerKey(tapId: string, xId: string): string {
  return `${tapId}.${xId}`;
}

/** Why a well-formed trigger under `key` is refused (the `bus.trigger_refused` detail), or undefined. */
export type TriggerKeyRefusal = 'key has no tap prefix' | 'key does not end with the trigger xId' | 'originTap is not the key prefix';

/**
 * A value speaks for the tap its key names and only for that tap: the permissions restrict each
 * tap to its own prefix, and this restricts what a value under that prefix may claim.
 */
export function keyRefusal(key: string, t: MediaTrigger): TriggerKeyRefusal | undefined {
  const dot = key.lastIndexOf('.');
  // A bare xId: a tap that predates the per-tap keys (it cannot be told from any other tap).
  if (dot <= 0) return 'key has no tap prefix';
  if (key.slice(dot + 1) !== t.xId) return 'key does not end with the trigger xId';
  if (key.slice(0, dot) !== t.originTap) return 'originTap is not the key prefix';
  return undefined;
}
