/** dumpcap's own count, from its stderr summary (all interfaces summed). */
export interface DumpcapSummary {
  received: number;
  dropped: number;
  /** libpcap ps_drop (capture ring), dumpcap's own drops, packets flushed at stop, ps_ifdrop. */
  pcapDropped: number;
  dumpcapDropped: number;
  flushed: number;
  ifDropped: number;
}

const SUMMARY_RE = /Packets received\/dropped on interface '[^'\n]*': (\d+)\/(\d+)(?: \(pcap:(\d+)\/dumpcap:(\d+)\/flushed:(\d+)(?:\/ps_ifdrop:(\d+))?\))?/g;

/** Parses dumpcap's closing summary lines (capture_loop_stop, report_capture_count); undefined when absent. */
export function parseDumpcapSummary(stderr: string): DumpcapSummary | undefined {
  let out: DumpcapSummary | undefined;
  for (const m of stderr.matchAll(SUMMARY_RE)) {
    out ??= { received: 0, dropped: 0, pcapDropped: 0, dumpcapDropped: 0, flushed: 0, ifDropped: 0 };
    out.received += Number(m[1]);
    out.dropped += Number(m[2]);
    out.pcapDropped += Number(m[3] ?? 0);
    out.dumpcapDropped += Number(m[4] ?? 0);
    out.flushed += Number(m[5] ?? 0);
    out.ifDropped += Number(m[6] ?? 0);
  }
  return out;
}
