/** Anomalies of the capture layer (pcap, pcapng, live). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const CAPTURE_ANOMALIES = {
  'pcap.truncated_record': { severity: 'warning', mayHideTarget: true, description: 'a record was cut short by the end of the file' },
  'pcap.snaplen_truncated': { severity: 'info', mayHideTarget: true, description: 'captured length is less than the original length (snaplen)' },
  'pcap.caplen_too_large': { severity: 'error', mayHideTarget: true, description: 'record captured length exceeds the snaplen or a sane maximum' },
  'pcap.bad_timestamp_fraction': {
    severity: 'info',
    mayHideTarget: false,
    description: 'a record sub-second field is one second or more; the excess was carried into the seconds',
  },
  'pcapng.unknown_block': { severity: 'info', mayHideTarget: false, description: 'a pcapng block of an unknown type was skipped' },
  'pcapng.bad_block_length': { severity: 'error', mayHideTarget: true, description: 'a pcapng block length is invalid or its trailing copy differs' },
  'pcapng.unknown_interface': { severity: 'error', mayHideTarget: true, description: 'a packet block names an interface with no IDB' },
  'pcapng.bad_option': { severity: 'warning', mayHideTarget: false, description: 'a pcapng option runs past its block or has a wrong length; the rest was ignored' },
  'pcapng.too_many_interfaces': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a section declares more interfaces than the reader keeps; packets on the extra ones are skipped',
  },
  'capture.origlen_below_caplen': {
    severity: 'info',
    mayHideTarget: false,
    description: 'a record original length is smaller than its captured length; the captured length was used',
  },
  'capture.kernel_drop': { severity: 'warning', mayHideTarget: true, description: 'the kernel or interface dropped packets (live capture)' },
  'capture.backend_stopped': {
    severity: 'error',
    mayHideTarget: true,
    description: 'the capture process (dumpcap) stopped on its own or its output was damaged; the run ended with what was captured',
  },
  'capture.live_truncated': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a live frame reached the snap length and may be cut; its original length is unknown (origLen = capLen)',
  },
} as const satisfies Record<string, AnomalyDef>;
