/**
 * `run --bus`: the trigger bus in a run's lifecycle (issue 15). Imported only when `--bus` is
 * given, so a run without it never loads the NATS client.
 *
 * 1. Before the pipeline: connect and open the bucket (a refused credential or an unreachable
 *    server stops the run before anything is written: ConfigError).
 * 2. With the pipeline: the correlator publishes through {@link TriggerBus} and the bucket's
 *    current triggers are applied before the first frame is read, then every change.
 * 3. End of input (offline): MSRP bytes of sessions without SIP are held for a trigger; the run
 *    waits up to `--bus-grace` seconds, while any are held, for triggers still on their way
 *    (another tap may be processing the SIP of the same moment), then finishes.
 * 4. After the finish (its releases deactivate this tap's triggers): the queued puts are flushed
 *    and the counters logged (`bus.summary`).
 */
import type { AnomalyCode, AnomalySink } from '../core/anomaly.js';
import type { Logger } from '../core/log.js';
import type { Correlator } from '../correlate/index.js';
import type { MediaTriggerSink } from '../correlate/media-trigger.js';
import { openTriggerBus } from './trigger-bus-connect.js';
import { TriggerBus, type TriggerBusStats } from './trigger-bus.js';

export interface TriggerBusRunOptions {
  /** `nats://HOST:PORT`. */
  bus: string;
  tapId: string;
  busCreds?: string;
  busTlsCa?: string;
  busTlsCert?: string;
  busTlsKey?: string;
  /** Seconds to wait at the end of the input for late triggers while MSRP bytes are held. */
  busGrace: number;
  /** Seconds a trigger stays in the bucket after its last update (the bucket's max age). */
  busRetention: number;
  /** No credentials by choice (`--bus-insecure`, checked in src/cli/bus-options.ts). */
  busInsecure?: boolean;
  /** Seconds of clock difference tolerated at a trigger's window start (`--bus-clock-skew`, default 0). */
  busClockSkew?: number;
}

const POLL_MS = 50;
/** The puts of the finish (deactivations) get this long beyond the grace (ms). */
const FLUSH_EXTRA_MS = 5000;

export class TriggerBusRun {
  private anomalies: AnomalySink | undefined;
  private correlator: Correlator | undefined;
  private closed = false;

  private constructor(
    private readonly bus: TriggerBus,
    private readonly o: TriggerBusRunOptions,
    private readonly log: Logger,
  ) {}

  static async open(o: TriggerBusRunOptions, log: Logger): Promise<TriggerBusRun> {
    const { nc, kv } = await openTriggerBus({
      url: o.bus,
      name: o.tapId,
      retentionMs: Math.round(o.busRetention * 1000),
      ...(o.busCreds !== undefined ? { credsFile: o.busCreds } : {}),
      ...(o.busTlsCa !== undefined ? { tlsCa: o.busTlsCa } : {}),
      ...(o.busTlsCert !== undefined ? { tlsCert: o.busTlsCert } : {}),
      ...(o.busTlsKey !== undefined ? { tlsKey: o.busTlsKey } : {}),
    });
    // The pipeline's anomaly counter exists only once the pipeline does: reports go there then.
    let run: TriggerBusRun | undefined;
    const anomalies: AnomalySink = { report: (code: AnomalyCode, frame?: number, detail?: string) => run?.anomalies?.report(code, frame, detail) };
    run = new TriggerBusRun(new TriggerBus(nc, kv, { tapId: o.tapId, anomalies, log }), o, log);
    log.log('info', 'bus.connected', { tapId: o.tapId, retentionSec: o.busRetention });
    if (o.busCreds === undefined) log.log('warn', 'bus.insecure', { tapId: o.tapId, credentials: false, tls: o.busTlsCa !== undefined || o.busTlsCert !== undefined });
    return run;
  }

  /** What the correlator publishes to (CorrelatorOptions.triggerSink). */
  get sink(): MediaTriggerSink {
    return this.bus;
  }

  /** Applies the bucket's current triggers to `correlator`, then keeps watching. */
  async attach(correlator: Correlator, anomalies: AnomalySink): Promise<void> {
    this.anomalies = anomalies;
    this.correlator = correlator;
    await this.bus.watch(correlator);
    this.log.log('info', 'bus.loaded', { received: this.bus.stats().received, applied: this.bus.stats().applied });
  }

  /** End of the input: waits up to the grace while MSRP bytes wait for a trigger. */
  async endOfInput(): Promise<void> {
    const until = Date.now() + this.o.busGrace * 1000;
    while (Date.now() < until && (this.correlator?.stats().heldBytes ?? 0) > 0) await new Promise((r) => setTimeout(r, POLL_MS));
  }

  stats(): TriggerBusStats {
    return this.bus.stats();
  }

  /** Flushes this tap's last puts, logs the summary, closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const left = await this.bus.flush(this.o.busGrace * 1000 + FLUSH_EXTRA_MS);
    const s = this.bus.stats();
    const lat = this.bus.latency();
    const pub = this.bus.publishLatencyMs();
    const c = this.correlator?.stats();
    this.log.log(left > 0 ? 'warn' : 'info', 'bus.summary', {
      tapId: this.o.tapId,
      'bus.published': s.published,
      'bus.publish_failed': s.publishFailed,
      'bus.received': s.received,
      'bus.refused': s.refused,
      'bus.applied': s.applied,
      'bus.own': s.own,
      unsent: left,
      ...(lat !== undefined ? { latencyMs: lat } : {}),
      // The trigger latency in its halves (issue 15 bench): SIP answer seen here → put acknowledged,
      // and on a media tap the wait of held MSRP bytes (first held → trigger applied; wall and capture time).
      ...(pub !== null ? { publishLatencyMs: pub } : {}),
      ...(c?.triggerLatencyWallMs != null ? { heldWaitMs: c.triggerLatencyWallMs } : {}),
      ...(c?.triggerLatencyCaptureMs != null ? { heldWaitCaptureMs: c.triggerLatencyCaptureMs } : {}),
    });
    await this.bus.close();
  }
}
