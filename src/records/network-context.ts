/**
 * Where and when the packet behind a record was seen: the IP/transport 5-tuple and capture time.
 * X2/X3 conditional attributes 9..16 (TS 103 221-2) and 33.128 SIPMessage addresses come from here.
 */
export interface NetworkContext {
  /** Source IP address: 4 (IPv4) or 16 (IPv6) bytes. Owned by the record (copied, not a capture view). */
  readonly srcAddr: Uint8Array;
  /** Destination IP address, same family as srcAddr. */
  readonly dstAddr: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** IP protocol number (6 = TCP, 17 = UDP). */
  readonly ipProto: number;
  /** Capture time, seconds since the Unix epoch. */
  readonly tsSec: number;
  /** Capture time, nanoseconds within the second. */
  readonly tsNsec: number;
  /** 1-based capture frame number of the (last) packet that completed the record. */
  readonly frameNo: number;
}
