/**
 * The generator's own bookkeeping of what each frame contains, in the terms tshark counts
 * (`-Y ip`, `-Y ipv6`, `-Y udp`, distinct `tcp.stream`, `ip.reassembled.length`). Builders that
 * know what they produce return it next to the bytes, so `<sample>.expected.json` is derived
 * from the scenario, never by re-reading the file.
 */

export interface FrameFacts {
  /** An IPv4 header appears at some depth (outer or tunnelled). */
  ipv4?: boolean;
  /** An IPv6 header appears at some depth. */
  ipv6?: boolean;
  /** A UDP header is decoded at some depth (for fragments: only on the frame completing reassembly). */
  udp?: boolean;
  /** The TCP connection this frame's segment belongs to (compared by identity; each distinct one is a tcp.stream). */
  tcpStream?: object;
  /** This frame completes the reassembly of a fragmented IPv4 / IPv6 datagram. */
  reassembled?: 4 | 6;
  /** An IPv4 header, UDP or TCP checksum in this frame is deliberately wrong. */
  badChecksum?: boolean;
}

/** An IP packet (starting at the IP header) and what it contains. */
export interface BuiltPacket {
  ip: Uint8Array;
  facts: FrameFacts;
}

/** Union of facts (booleans or-ed; the last tcpStream / reassembled wins). */
export function mergeFacts(...all: readonly FrameFacts[]): FrameFacts {
  const out: FrameFacts = {};
  for (const f of all) {
    if (f.ipv4 === true) out.ipv4 = true;
    if (f.ipv6 === true) out.ipv6 = true;
    if (f.udp === true) out.udp = true;
    if (f.tcpStream !== undefined) out.tcpStream = f.tcpStream;
    if (f.reassembled !== undefined) out.reassembled = f.reassembled;
    if (f.badChecksum === true) out.badChecksum = true;
  }
  return out;
}

/** The IP-version fact of an address (4 bytes: IPv4, 16 bytes: IPv6). */
export function ipFacts(addr: Uint8Array): FrameFacts {
  return addr.length === 16 ? { ipv6: true } : { ipv4: true };
}
