/** Anomalies of flow tracking, IP defragmentation and TCP reassembly. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const FLOW_ANOMALIES = {
  'ip.fragment_overlap': { severity: 'warning', description: 'IP fragments overlap' },
  'ip.fragment_timeout': { severity: 'warning', description: 'an incomplete fragmented datagram timed out' },
  'tcp.overlap_different_data': { severity: 'warning', description: 'a retransmission overlaps earlier data with different bytes (first data wins)' },
  'tcp.gap': { severity: 'warning', description: 'bytes of a TCP stream were never seen; a gap was delivered' },
  'flow.evicted': { severity: 'warning', description: 'a flow was evicted because a table or memory cap was reached' },
} as const satisfies Record<string, AnomalyDef>;
