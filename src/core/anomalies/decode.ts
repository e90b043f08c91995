/** Anomalies of link, tunnel, IP and transport header decoding. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const DECODE_ANOMALIES = {
  'link.unsupported_type': { severity: 'info', description: 'the capture link type is not decoded' },
  'eth.truncated_frame': { severity: 'warning', description: 'an Ethernet/VLAN header is cut short' },
  'ipv4.truncated': { severity: 'warning', description: 'an IPv4 header or datagram is cut short' },
  'ipv4.bad_checksum': { severity: 'info', description: 'an IPv4 header checksum does not verify' },
  'ipv6.truncated': { severity: 'warning', description: 'an IPv6 header or extension header is cut short' },
  'tcp.truncated_header': { severity: 'warning', description: 'a TCP header is cut short or has a bad data offset' },
  'udp.truncated_header': { severity: 'warning', description: 'a UDP header is cut short or has a bad length' },
} as const satisfies Record<string, AnomalyDef>;
