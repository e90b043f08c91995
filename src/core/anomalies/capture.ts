/** Anomalies of the capture layer (pcap, pcapng, live). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const CAPTURE_ANOMALIES = {
  'pcap.truncated_record': { severity: 'warning', description: 'a record was cut short by the end of the file' },
  'pcap.snaplen_truncated': { severity: 'info', description: 'captured length is less than the original length (snaplen)' },
  'pcap.caplen_too_large': { severity: 'error', description: 'record captured length exceeds the snaplen or a sane maximum' },
  'pcapng.unknown_block': { severity: 'info', description: 'a pcapng block of an unknown type was skipped' },
  'pcapng.bad_block_length': { severity: 'error', description: 'a pcapng block length is invalid or its trailing copy differs' },
  'pcapng.unknown_interface': { severity: 'error', description: 'a packet block names an interface with no IDB' },
  'capture.kernel_drop': { severity: 'warning', description: 'the kernel or interface dropped packets (live capture)' },
} as const satisfies Record<string, AnomalyDef>;
