/** Anomalies of flow tracking, IP defragmentation and TCP reassembly. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const FLOW_ANOMALIES = {
  // --- IP defragmentation (src/flow/ip-defragmenter.ts) ---
  'ip.fragment_overlap': { severity: 'warning', mayHideTarget: false, description: 'IP fragments overlap; the bytes received first were kept' },
  'ip.fragment_timeout': { severity: 'warning', mayHideTarget: true, description: 'an incomplete fragmented datagram timed out' },
  'ip.fragment_too_large': { severity: 'warning', mayHideTarget: true, description: 'a fragment ends beyond 65535 bytes (offset + length); it was dropped' },
  'ip.fragment_evicted': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'an incomplete fragmented datagram was dropped because the datagram or byte cap was reached',
  },
  'ip.fragment_inconsistent': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'fragments disagree on the datagram end, or a non-last fragment is not a multiple of 8 bytes',
  },
  'ip.fragment_truncated': { severity: 'info', mayHideTarget: true, description: 'a fragment was cut by the snap length; it cannot be reassembled and was dropped' },
  // --- TCP reassembly (src/flow/tcp-stream-reassembler.ts, tcp-tracker.ts) ---
  'tcp.overlap_different_data': { severity: 'warning', mayHideTarget: false, description: 'a retransmission overlaps earlier data with different bytes (first data wins)' },
  'tcp.gap': { severity: 'warning', mayHideTarget: true, description: 'bytes of a TCP stream were never seen; a gap was delivered' },
  'tcp.reassembly_limit': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'out-of-order data held for one direction exceeded its byte or segment cap; holes were delivered as gaps',
  },
  'tcp.reassembly_memcap': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'out-of-order data held by all connections exceeded the global cap; the oldest holes were delivered as gaps',
  },
  'tcp.port_reuse_open': {
    severity: 'info',
    mayHideTarget: false,
    description: 'a SYN with a new initial sequence number arrived on a 4-tuple whose connection had not closed; a new connection was started',
  },
  // --- SCTP user-message reassembly (src/flow/sctp-reassembler.ts) ---
  'sctp.message_incomplete': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'fragments of an SCTP user message never completed (timeout or end of input) and were dropped',
  },
  'sctp.fragments_evicted': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'fragments of an SCTP user message were dropped because the per-association or global byte or fragment cap was reached',
  },
  'sctp.i_data_not_decoded': { severity: 'info', mayHideTarget: true, description: 'an SCTP I-DATA chunk (RFC 8260 message interleaving) was not reassembled' },
  // --- flow tables ---
  'flow.evicted': { severity: 'warning', mayHideTarget: true, description: 'a flow was evicted because a table or memory cap was reached' },
  'flow.stream_evicted': {
    severity: 'warning',
    mayHideTarget: false,
    description: 'a TCP connection let its reassembly and parser state go because the stream-state cap was reached; its next bytes are parsed from the next start line',
  },
} as const satisfies Record<string, AnomalyDef>;
