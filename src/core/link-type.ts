/**
 * Link-layer header types as registered by tcpdump.org (LINKTYPE_*), the values stored in pcap
 * and pcapng files. Only those msrptap decodes or names are listed.
 */
export const LinkType = {
  NULL: 0, // BSD loopback: 4-byte address family in host byte order
  ETHERNET: 1,
  /**
   * DLT_RAW as most systems number it, written as is into capture files by some tools: libpcap,
   * tcpdump and Wireshark read LINKTYPE 12 as raw IP (Wireshark wtap's pcap_to_wtap_map).
   */
  RAW_12: 12,
  /** DLT_RAW as OpenBSD and BSD/OS number it; read as raw IP by the same tools. */
  RAW_14: 14,
  RAW: 101, // raw IPv4 or IPv6, version from the first nibble (the registered LINKTYPE_RAW)
  LOOP: 108, // OpenBSD loopback: address family in network byte order
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export type LinkTypeValue = (typeof LinkType)[keyof typeof LinkType];

/** Human name for stats output, e.g. "ETHERNET"; `LINKTYPE_<n>` for others. */
export function linkTypeName(v: number): string {
  for (const [name, value] of Object.entries(LinkType)) if (value === v) return name;
  return `LINKTYPE_${v}`;
}
