/** Text forms of IP addresses and endpoints for records, logs and reports (not the hot path). */

/**
 * IPv4 dotted-quad (RFC 791 notation) or IPv6 in the RFC 5952 canonical form: lower-case hex,
 * leading zeros dropped, the longest run of two or more zero groups (the first on a tie)
 * replaced by `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d` (section 5).
 * Any other length is returned as plain hex prefixed with `?` rather than throwing.
 */
export function formatIp(addr: Uint8Array): string {
  if (addr.length === 4) return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
  if (addr.length !== 16) {
    let s = '?';
    for (const v of addr) s += (v < 16 ? '0' : '') + v.toString(16);
    return s;
  }
  // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
  let mapped = addr[10] === 0xff && addr[11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) if (addr[i] !== 0) mapped = false;
  if (mapped) return `::ffff:${addr[12]}.${addr[13]}.${addr[14]}.${addr[15]}`;

  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((addr[i]! << 8) | addr[i + 1]!);
  // Section 4.2.2/4.2.3: compress the longest run of >= 2 zero groups, the first if tied.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** `1.2.3.4:5060` or `[2001:db8::1]:5060` (RFC 5952 section 6). */
export function formatEndpoint(addr: Uint8Array, port: number): string {
  return addr.length === 16 ? `[${formatIp(addr)}]:${port}` : `${formatIp(addr)}:${port}`;
}
