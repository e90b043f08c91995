/**
 * The periodic stats event of a running tap (`run.stats`, src/cli/stderr-logger.ts). Counts and
 * task identifiers only: never content, never identities (logs may leave the LI domain).
 */
import { mayHideTargetCounts } from '../core/anomaly.js';
import type { LinkStats } from '../deliver/destination-link.js';
import type { InterceptPipeline } from './intercept-pipeline.js';
import type { LiveCaptureCounters } from './run-live.js';

/** Records counted per LIID by the run command. */
export type RecordCounts = Map<string, { iri: number; cc: number }>;

/** One stats snapshot as a flat JSON object. */
export function liveStats(p: InterceptPipeline, capture: LiveCaptureCounters | undefined, records: RecordCounts, links: readonly LinkStats[]): Record<string, unknown> {
  const tcp = p.packets.toJSON([]);
  const c = p.correlator.stats();
  let iri = 0;
  let cc = 0;
  for (const r of records.values()) {
    iri += r.iri;
    cc += r.cc;
  }
  const tls = p.tlsStats();
  return {
    packets: tcp.frames,
    bytes: tcp.bytes,
    ...(capture !== undefined ? { kernelDropped: capture.dropped, ifDropped: capture.ifDropped } : {}),
    ...(capture?.backend !== undefined ? { captureBackend: capture.backend } : {}),
    // Ring and dumpcap drops: only dumpcap reports them, and only once it stopped (final line).
    ...(capture?.captureDropped !== undefined ? { captureDropped: capture.captureDropped } : {}),
    ...(capture?.stoppedBy !== undefined ? { captureStoppedBy: capture.stoppedBy } : {}),
    // The live loss signal while running (issue 13): every TCP gap, and those on connections
    // that carried an intercepted session's MSRP frames.
    tcpGaps: p.anomalies.count('tcp.gap'),
    targetTcpGaps: c.targetGaps,
    targetTcpGapBytes: c.targetGapBytes,
    // Whole-connection loss, which no gap shows: target MSRP first seen on a connection joined
    // without its handshake, and target sessions that ended with none of their MSRP seen
    // (counted at their release; the final line, written after the drain, has them all).
    targetMidStream: p.anomalies.count('correlate.target_midstream'),
    targetCcNotObserved: p.anomalies.count('correlate.cc_not_observed'),
    tcpConnections: tcp.tcpConnections,
    // Flow bypass of non-target MSRP directions (issue 13, src/flow/stream-bypass.ts).
    bypass: bypassStats(p),
    tunnels: tcp.tunnels,
    ipProtocolsNotDecoded: tcp.ipProtocolsNotDecoded,
    dialogs: c.dialogs,
    sessions: c.sessions,
    uncorrelatedSessions: c.uncorrelated,
    records: { iri, cc },
    recordsByLiid: Object.fromEntries(records),
    anomalies: p.anomalies.total(),
    // Events that may have hidden traffic from interception (src/core/anomalies: mayHideTarget).
    anomaliesMayHideTarget: mayHideTargetCounts(p.anomalies.toJSON()).total,
    // TLS connections (issue 16): present once one was seen; counts only, never keys.
    ...(tls.connections > 0 ? { tls: { connections: tls.connections, decrypted: tls.decrypted, undecryptable: { ...tls.undecryptable } } } : {}),
    delivery: links.map((l) => ({ did: l.did, state: l.state, spooledPdus: l.spooledPdus, spooledBytes: l.spooledBytes, refusedPdus: l.refusedPdus, sentPdus: l.sentPdus, releasedPdus: l.releasedPdus })),
  };
}

function bypassStats(p: InterceptPipeline): Record<string, number> {
  const t = p.packets.tcpStats();
  return { directions: t.bypassed, resumed: t.bypassResumed, reprobes: t.bypassReprobes, bytes: t.bypassedBytes, active: t.bypassActive };
}
