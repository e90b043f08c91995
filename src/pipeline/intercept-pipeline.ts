/**
 * The whole interception chain for one run: packets → analyzers → correlator → records. The
 * composition root wires the stages (they do not import each other): the correlator is the
 * analyzers' AppEventSink, and its records go to whatever output the command chose.
 */
import { AnomalyCounter } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { AppAnalyzers } from '../analyzers/app-analyzers.js';
import type { AppEventSink } from '../analyzers/app-event-sink.js';
import { Correlator, type AuditReport, type AuditStore, type CorrelatorOptions, type TaskSet } from '../correlate/index.js';
import type { TcpTrackerOptions } from '../flow/tcp-tracker.js';
import type { LiRecord } from '../records/li-record.js';
import { PacketPipeline } from './packet-pipeline.js';
import type { TlsStats } from '../analyzers/tls-connections.js';
import type { TlsKeyLogFiles } from './tls-key-log-files.js';

/** Wall-clock period of the key log re-read while frames are processed (ms), and how often the clock is looked at (frames). */
const KEYLOG_POLL_MS = 500;
const KEYLOG_POLL_FRAMES = 1024;

export interface InterceptPipelineOptions {
  tasks: TaskSet;
  /** Receives every LI record, in emission order. */
  onRecord: (rec: LiRecord) => void;
  /** Lab use (`--all`): list non-target sessions in the audit too (never in records). */
  includeNonTargets?: boolean;
  /** Keep the HTML report's details (default true; `run` does not need them: see CorrelatorOptions.auditDetails). */
  auditDetails?: boolean;
  /** Where finished sessions' audit entries wait for the report (default: in memory; see CorrelatorOptions.auditStore). */
  auditStore?: AuditStore;
  /** Table limits below the defaults (tests): the TCP table, and the correlator's. */
  tcp?: Partial<TcpTrackerOptions>;
  limits?: Pick<CorrelatorOptions, 'assembler' | 'maxLiveAuditMessages' | 'maxAuditMessagesPerSession'>;
  /** Issue 15 (`--bus`): where the correlator publishes its triggers, and this tap's name. */
  trigger?: Pick<CorrelatorOptions, 'triggerSink' | 'tapId' | 'triggerClockSkewSec'>;
  /** `--tls-keylog`: TLS connections are decrypted with these key logs, re-read as they grow. */
  tlsKeyLogs?: TlsKeyLogFiles;
  /** A key log file could not be re-read (path and error code: never content). */
  onKeyLogError?: (path: string, code: string) => void;
}

export class InterceptPipeline {
  readonly anomalies = new AnomalyCounter();
  readonly packets: PacketPipeline;
  readonly correlator: Correlator;
  private readonly analyzers: AppAnalyzers;
  private finished = false;
  private readonly keyLogs: TlsKeyLogFiles | undefined;
  private readonly onKeyLogError: ((path: string, code: string) => void) | undefined;
  private pollCountdown = KEYLOG_POLL_FRAMES;
  private nextPollMs = 0;
  private lastFrameNo = 0;

  constructor(o: InterceptPipelineOptions) {
    this.keyLogs = o.tlsKeyLogs;
    this.onKeyLogError = o.onKeyLogError;
    this.correlator = new Correlator({
      tasks: o.tasks,
      onRecord: o.onRecord,
      anomalies: this.anomalies,
      ...(o.includeNonTargets === true ? { includeNonTargets: true } : {}),
      ...(o.auditDetails === false ? { auditDetails: false } : {}),
      ...(o.auditStore !== undefined ? { auditStore: o.auditStore } : {}),
      ...(o.tlsKeyLogs !== undefined ? { tlsDecryption: true } : {}),
      ...o.limits,
      ...o.trigger,
    });
    // Anomalies reported with a connection (TCP gaps, framer errors) are shown in the audit of
    // the sessions that connection carried.
    const correlator = this.correlator;
    this.anomalies.observeConnections((code, frame, detail, conn, dir) => correlator.connectionAnomaly(code, frame, detail, conn, dir));
    const sink: AppEventSink = this.correlator;
    this.analyzers = new AppAnalyzers(sink, this.anomalies, o.tlsKeyLogs?.open(this.anomalies));
    this.nextPollMs = Date.now() + KEYLOG_POLL_MS;
    const an = this.analyzers;
    this.packets = new PacketPipeline({
      tcpConsumers: an,
      udp: (pkt, f) => an.udp(pkt, f.frameNo, f.tsSec, f.tsNsec),
      sctp: an,
      anomalies: this.anomalies,
      onTick: (s, n) => an.tick(s, n),
      ...(o.tcp !== undefined ? { tcp: o.tcp } : {}),
    });
  }

  frame(f: CapturedFrame): void {
    this.packets.frame(f);
    this.lastFrameNo = f.frameNo;
    if (this.keyLogs !== undefined && --this.pollCountdown <= 0) {
      this.pollCountdown = KEYLOG_POLL_FRAMES;
      if (Date.now() >= this.nextPollMs) this.pollTlsKeyLogs();
    }
  }

  /**
   * Re-reads the key logs (live: every 500 ms from a timer; offline: every 500 ms of reading,
   * and at the end of input): new keys are tried on the connections waiting for them.
   */
  pollTlsKeyLogs(final = false): void {
    if (this.keyLogs === undefined || this.finished) return;
    this.nextPollMs = Date.now() + KEYLOG_POLL_MS;
    if (this.keyLogs.poll(final, this.onKeyLogError)) this.analyzers.tlsKeysAdded(this.lastFrameNo);
  }

  /** TLS connections seen, decrypted, and not decrypted by reason. */
  tlsStats(): TlsStats {
    return this.analyzers.tls.stats;
  }

  /** End of input: flushes reassembly, then closes every session (release records go out). */
  finish(): void {
    if (this.finished) return;
    // Keys written while the input was read are used before the connections waiting for them give up.
    this.pollTlsKeyLogs(true);
    this.finished = true;
    this.packets.finish();
    this.analyzers.finish();
  }

  audit(): AuditReport {
    return this.correlator.auditReport();
  }
}
