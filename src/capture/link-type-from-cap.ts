import { LinkType } from '../core/link-type.js';

/**
 * Maps the link-type name returned by cap's open() to a LINKTYPE_* number. The binding
 * names five DLTs and returns 'Unknown linktype <DLT>' for the rest; DLT and LINKTYPE values
 * coincide except for the few platform-dependent low DLTs (tcpdump.org link-layer header
 * types; libpcap pcap-common.c dlt_to_linktype). Returns -1 for an unparseable name.
 */
export function linkTypeFromCap(name: string): number {
  switch (name) {
    case 'NULL':
      return LinkType.NULL;
    case 'ETHERNET':
      return LinkType.ETHERNET;
    case 'IEEE802_11_RADIO':
      return 127; // LINKTYPE_IEEE802_11_RADIOTAP
    case 'LINKTYPE_LINUX_SLL':
      return LinkType.LINUX_SLL;
    case 'RAW':
      return LinkType.RAW; // DLT_RAW is 12 or 14 depending on the OS; LINKTYPE_RAW is 101
  }
  const m = /^Unknown linktype (\d+)$/.exec(name);
  if (m === null) return -1;
  const dlt = Number(m[1]);
  if (dlt === 12 || dlt === 14) return LinkType.RAW;
  if (dlt === 11 || dlt === 13) return 100; // LINKTYPE_ATM_RFC1483
  return dlt;
}
