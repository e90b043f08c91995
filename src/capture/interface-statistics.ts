/**
 * The pcapng Interface Statistics Block (draft-ietf-opsawg-pcapng section 4.6), which is how a
 * capture process hands its drop counters to the reader: dumpcap writes one per interface when
 * the capture stops (dumpcap.c, capture_loop_stop → pcapng_write_interface_statistics_block,
 * with a comment "Counters provided by dumpcap").
 *
 * ```
 *  0 block type 0x00000005     12 timestamp (upper 32 bits)
 *  4 block total length        16 timestamp (lower 32 bits)
 *  8 interface id              20 options ... , L-4 block total length
 * ```
 * Options used (section 4.6.1, each a 64-bit counter): isb_ifrecv (4) packets received by the
 * interface, isb_ifdrop (5) packets dropped by the interface (for dumpcap: libpcap's ps_drop,
 * i.e. the kernel capture ring; its stderr summary breaks it down), isb_filteraccept (6),
 * isb_osdrop (7) packets the operating system dropped, isb_usrdeliv (8) packets delivered to
 * the user. Every counter is optional; an absent one stays undefined (unknown, not zero).
 */

/** What one Interface Statistics Block says; counters undefined when the option is absent. */
export interface InterfaceStatistics {
  readonly interfaceId: number;
  readonly ifRecv: number | undefined;
  readonly ifDrop: number | undefined;
  readonly filterAccept: number | undefined;
  readonly osDrop: number | undefined;
  readonly usrDeliv: number | undefined;
  /** Options that ran past the block or had a wrong length (the rest of the block is ignored). */
  readonly badOptions: number;
}

const OPT_ENDOFOPT = 0;
const ISB_IFRECV = 4;
const ISB_IFDROP = 5;
const ISB_FILTERACCEPT = 6;
const ISB_OSDROP = 7;
const ISB_USRDELIV = 8;
/** Type, length, interface id, timestamp (two halves) and the trailing length. */
export const MIN_ISB = 24;

/** A 64-bit unsigned option value; above 2^53 it is rounded (no drop count reaches that). */
function u64(dv: DataView, o: number, le: boolean): number {
  const hi = dv.getUint32(le ? o + 4 : o, le);
  const lo = dv.getUint32(le ? o : o + 4, le);
  return hi * 4294967296 + lo;
}

/**
 * Parses the Interface Statistics Block of length `len` at `p` in `dv` (byte order `le`).
 * Never throws for a block of at least {@link MIN_ISB} bytes that lies inside `dv`: damaged
 * options are counted in `badOptions` and end the option walk.
 */
export function parseInterfaceStatistics(dv: DataView, p: number, len: number, le: boolean): InterfaceStatistics {
  const out = {
    interfaceId: dv.getUint32(p + 8, le),
    ifRecv: undefined as number | undefined,
    ifDrop: undefined as number | undefined,
    filterAccept: undefined as number | undefined,
    osDrop: undefined as number | undefined,
    usrDeliv: undefined as number | undefined,
    badOptions: 0,
  };
  // Options (section 3.5): code u16, length u16, value padded to 32 bits, until opt_endofopt.
  const optEnd = p + len - 4;
  for (let o = p + 20; o + 4 <= optEnd; ) {
    const code = dv.getUint16(o, le);
    const olen = dv.getUint16(o + 2, le);
    if (code === OPT_ENDOFOPT) break;
    if (o + 4 + olen > optEnd) {
      out.badOptions++;
      break;
    }
    if (code >= ISB_IFRECV && code <= ISB_USRDELIV) {
      if (olen !== 8) out.badOptions++;
      else {
        const v = u64(dv, o + 4, le);
        if (code === ISB_IFRECV) out.ifRecv = v;
        else if (code === ISB_IFDROP) out.ifDrop = v;
        else if (code === ISB_FILTERACCEPT) out.filterAccept = v;
        else if (code === ISB_OSDROP) out.osDrop = v;
        else out.usrDeliv = v;
      }
    }
    o += 4 + ((olen + 3) & ~3);
  }
  return out;
}
