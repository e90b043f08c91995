/** Text → bytes for addresses, so scenarios read like the captures they describe. */

/** Dotted-quad IPv4 address → 4 bytes. */
export function ipv4Addr(s: string): Uint8Array {
  const parts = s.split('.');
  if (parts.length !== 4) throw new RangeError(`ipv4Addr: not a dotted quad: ${s}`);
  return Uint8Array.from(parts, (p) => {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new RangeError(`ipv4Addr: bad octet in ${s}`);
    return n;
  });
}

/** IPv6 address in RFC 4291 section 2.2 text form (with at most one `::`, no embedded IPv4) → 16 bytes. */
export function ipv6Addr(s: string): Uint8Array {
  const halves = s.split('::');
  if (halves.length > 2) throw new RangeError(`ipv6Addr: more than one '::' in ${s}`);
  const groups = (h: string | undefined): number[] =>
    h === undefined || h === ''
      ? []
      : h.split(':').map((g) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new RangeError(`ipv6Addr: bad group '${g}' in ${s}`);
          return parseInt(g, 16);
        });
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0 || (halves.length === 2 && fill < 1)) {
    throw new RangeError(`ipv6Addr: wrong number of groups in ${s}`);
  }
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >>> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** IPv4 or IPv6 text address → bytes (IPv6 when it contains ':'). */
export function ipAddr(s: string): Uint8Array {
  return s.includes(':') ? ipv6Addr(s) : ipv4Addr(s);
}

/** MAC address `aa:bb:cc:dd:ee:ff` → 6 bytes. */
export function macAddr(s: string): Uint8Array {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new RangeError(`macAddr: bad MAC ${s}`);
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/**
 * A locally administered unicast MAC (02:00:…) derived from an IP address's last four bytes, so
 * Ethernet addresses follow the IP endpoints without a lookup table and swap with direction.
 */
export function macForIp(ip: Uint8Array): Uint8Array {
  const out = new Uint8Array(6);
  out[0] = 0x02;
  out.set(ip.subarray(ip.length - 4), 2);
  return out;
}
