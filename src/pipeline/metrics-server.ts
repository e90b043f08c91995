/**
 * `run --metrics-port N`: a Prometheus text-format endpoint (GET /metrics) with the same counts
 * as the periodic stats log line (./live-stats.ts), for the operator's monitoring.
 *
 * Values are read from the pipeline when Prometheus scrapes (prom-client `collect` callbacks):
 * nothing runs per packet, and the capture callback never waits for a scrape. A private
 * registry (not prom-client's global one) keeps the output to msrptap's own series. Labels are
 * bounded: LIIDs come from the tasks file, DIDs from its destinations, anomaly codes from the
 * fixed registry in src/core/anomalies; never identities or content (the endpoint may be
 * scraped from outside the LI domain). Listens on 127.0.0.1 unless told otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { LinkStats } from '../deliver/destination-link.js';
import type { InterceptPipeline } from './intercept-pipeline.js';
import type { RecordCounts } from './live-stats.js';
import type { LiveCaptureCounters } from './run-live.js';

/** Where the metrics come from; read at scrape time. */
export interface MetricsSources {
  readonly pipeline: InterceptPipeline;
  readonly records: RecordCounts;
  /** Kernel counters of a live capture (undefined offline or before the first poll). */
  readonly capture: () => LiveCaptureCounters | undefined;
  readonly links: () => readonly LinkStats[];
}

/** Builds the registry with msrptap's series (exported for tests). */
export function createMetricsRegistry(src: MetricsSources): Registry {
  const reg = new Registry();
  // Counters are monotonic in the pipeline already: each scrape sets them to the current value.
  const counter = (name: string, help: string, labelNames: readonly string[], fill: (set: (labels: Record<string, string>, v: number) => void) => void): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers: [reg],
      collect() {
        this.reset();
        fill((labels, v) => this.inc(labels, v));
      },
    });
  };
  const gauge = (name: string, help: string, labelNames: readonly string[], fill: (set: (labels: Record<string, string>, v: number) => void) => void): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [reg],
      collect() {
        this.reset();
        fill((labels, v) => this.set(labels, v));
      },
    });
  };
  let snap: ReturnType<InterceptPipeline['packets']['toJSON']> | null = null;
  // One pipeline snapshot per scrape (the first collector takes it).
  const packets = (): NonNullable<typeof snap> => (snap ??= src.pipeline.packets.toJSON([]));
  counter('msrptap_packets_total', 'Frames read from the capture', [], (set) => {
    snap = null;
    set({}, packets().frames);
  });
  counter('msrptap_bytes_total', 'Captured bytes read', [], (set) => set({}, packets().bytes));
  counter('msrptap_tcp_flows_total', 'TCP connections seen (tshark tcp.stream count)', [], (set) => set({}, packets().tcpConnections));
  counter('msrptap_kernel_dropped_total', 'Packets the kernel dropped before the tap read them (live capture, pcap_stats ps_drop)', [], (set) => set({}, src.capture()?.dropped ?? 0));
  counter('msrptap_interface_dropped_total', 'Packets the interface dropped (live capture, pcap_stats ps_ifdrop)', [], (set) => set({}, src.capture()?.ifDropped ?? 0));
  counter('msrptap_capture_dropped_total', 'Packets lost between the kernel and the tap (capture ring and dumpcap), reported by dumpcap when it stops; 0 before, and with the cap backend', [], (set) =>
    set({}, src.capture()?.captureDropped ?? 0),
  );
  counter('msrptap_tcp_gaps_total', 'TCP reassembly gaps (bytes never seen), all connections', [], (set) => set({}, src.pipeline.anomalies.count('tcp.gap')));
  counter('msrptap_target_tcp_gaps_total', 'TCP gaps in MSRP stream directions that carried an intercepted session (live loss signal)', [], (set) => set({}, src.pipeline.correlator.stats().targetGaps));
  counter('msrptap_target_tcp_gap_bytes_total', 'Bytes lost in those gaps', [], (set) => set({}, src.pipeline.correlator.stats().targetGapBytes));
  counter('msrptap_target_loss_total', 'Target loss no TCP gap shows: MSRP connections joined mid-way (kind=midstream_connection), sessions ended with none of their MSRP seen (kind=msrp_not_observed)', ['kind'], (set) => {
    set({ kind: 'midstream_connection' }, src.pipeline.anomalies.count('correlate.target_midstream'));
    set({ kind: 'msrp_not_observed' }, src.pipeline.anomalies.count('correlate.cc_not_observed'));
  });
  gauge('msrptap_sip_dialogs', 'SIP dialogs tracked now', [], (set) => set({}, src.pipeline.correlator.stats().dialogs));
  gauge('msrptap_sessions', 'Sessions (SIP dialogs with MSRP and MSRP sessions without SIP) tracked now', [], (set) => set({}, src.pipeline.correlator.stats().sessions));
  gauge('msrptap_uncorrelated_sessions', 'MSRP sessions without SIP tracked now', [], (set) => set({}, src.pipeline.correlator.stats().uncorrelated));
  counter('msrptap_records_total', 'LI records emitted, per LIID and kind (iri = X2/HI2, cc = X3/HI3)', ['liid', 'kind'], (set) => {
    for (const [liid, c] of src.records) {
      set({ liid, kind: 'iri' }, c.iri);
      set({ liid, kind: 'cc' }, c.cc);
    }
  });
  counter('msrptap_anomalies_total', 'Anomalies by code (src/core/anomalies)', ['code'], (set) => {
    for (const [code, n] of Object.entries(src.pipeline.anomalies.toJSON())) set({ code }, n);
  });
  gauge('msrptap_spool_pdus', 'PDUs in a destination spool not yet acknowledged', ['did'], (set) => {
    for (const l of src.links()) set({ did: l.did }, l.spooledPdus);
  });
  gauge('msrptap_spool_bytes', 'Bytes in a destination spool not yet acknowledged', ['did'], (set) => {
    for (const l of src.links()) set({ did: l.did }, l.spooledBytes);
  });
  counter('msrptap_spool_refused_total', 'PDUs refused because the destination spool was full (alarm)', ['did'], (set) => {
    for (const l of src.links()) set({ did: l.did }, l.refusedPdus);
  });
  counter('msrptap_delivered_pdus_total', 'PDUs acknowledged by a destination (released from its spool)', ['did'], (set) => {
    for (const l of src.links()) set({ did: l.did }, l.releasedPdus);
  });
  gauge('msrptap_link_up', '1 when the link to a destination is up', ['did'], (set) => {
    for (const l of src.links()) set({ did: l.did }, l.state === 'up' ? 1 : 0);
  });
  return reg;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The bound address (port 0 resolved). */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `GET /metrics` on host:port; resolves once listening (rejects when the port is taken). */
export async function startMetricsServer(host: string, port: number, src: MetricsSources): Promise<MetricsServer> {
  const reg = createMetricsRegistry(src);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    reg.metrics().then(
      (text) => res.writeHead(200, { 'content-type': reg.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A scrape connection must not keep the process alive at exit.
  server.unref();
  const a = server.address() as AddressInfo;
  return {
    host: a.address,
    port: a.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
