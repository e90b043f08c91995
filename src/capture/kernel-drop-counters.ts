/**
 * The kernel's drop counters that a live capture can read without its capture socket (the
 * interface's and the input backlog's), for both backends (./live-capture.ts, ./dumpcap-capture.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Reads small kernel text files; injectable so the counter arithmetic can be tested. */
export interface CounterFs {
  /** File contents, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
  /** Directory entries, or undefined when it cannot be listed. */
  listDir(path: string): readonly string[] | undefined;
}

export const NODE_COUNTER_FS: CounterFs = {
  readText(path) {
    try {
      return readFileSync(path, 'latin1');
    } catch {
      return undefined;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
};

const SOFTNET_STAT = '/proc/net/softnet_stat';
const SYS_NET = '/sys/class/net';
const TWO_POW_32 = 0x1_0000_0000;

/**
 * Parses /proc/net/softnet_stat: one line per online CPU, hexadecimal 32-bit columns; column
 * 2 is `dropped` (input backlog full, net.core.netdev_max_backlog, or RPS flow limit). Since
 * Linux 5.10 column 13 is the CPU number; older kernels omit it, so the line index stands in.
 * Returns CPU → dropped.
 */
export function parseSoftnetDropped(text: string): Map<number, number> {
  const out = new Map<number, number>();
  const lines = text.split('\n');
  let index = 0;
  for (const line of lines) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 2 || cols[0] === '') continue;
    const dropped = Number.parseInt(cols[1]!, 16);
    const cpu = cols.length >= 13 ? Number.parseInt(cols[12]!, 16) : index;
    index++;
    if (!Number.isFinite(dropped) || !Number.isFinite(cpu)) continue;
    out.set(cpu, dropped);
  }
  return out;
}

/**
 * The kernel drop counters that can be read without the capture socket, accumulated as deltas
 * since construction:
 * - `ifDropped`: rx_missed_errors + rx_fifo_errors of the interface (all interfaces for
 *   `any`), read from sysfs: packets the NIC had no room for. Same definition as libpcap's
 *   ps_ifdrop on Linux (pcap-linux.c linux_if_drops). A counter that goes down (device reset
 *   or re-created) counts its new value; an interface that appears later counts its value.
 * - `backlogDropped`: /proc/net/softnet_stat `dropped`, summed over CPUs, 32-bit wrap-around
 *   handled. Packets dropped there never reach any packet socket, but the counter is
 *   system-wide. A CPU that comes online later is baselined, not counted (its counter may hold
 *   drops from before the capture).
 * Files that cannot be read are skipped (the totals then undercount; `sources` tells which
 * files existed at construction).
 */
export class KernelDropCounters {
  /** Counter files found at construction. */
  readonly sources: readonly string[];
  private readonly ifPrev = new Map<string, number>();
  private readonly cpuPrev = new Map<number, number>();
  private ifTotal = 0;
  private backlogTotal = 0;
  private primed = false;

  constructor(
    private readonly iface: string,
    private readonly fsys: CounterFs = NODE_COUNTER_FS,
  ) {
    const sources: string[] = [];
    for (const name of this.ifaceNames() ?? []) {
      for (const f of ['rx_missed_errors', 'rx_fifo_errors']) {
        const p = `${SYS_NET}/${name}/statistics/${f}`;
        if (fsys.readText(p) !== undefined) sources.push(p);
      }
    }
    if (fsys.readText(SOFTNET_STAT) !== undefined) sources.push(SOFTNET_STAT);
    this.sources = sources;
    this.refresh();
    this.primed = true;
  }

  /** Interface drops since construction. */
  get ifDropped(): number {
    return this.ifTotal;
  }

  /** Input-backlog drops (system-wide) since construction. */
  get backlogDropped(): number {
    return this.backlogTotal;
  }

  /** Reads all counters once and adds what is new. Never throws. */
  refresh(): void {
    // An unreadable /sys/class/net skips this round rather than forgetting every baseline.
    const names = this.ifaceNames() ?? [];
    for (const name of names) {
      const cur = this.readIfDrops(name);
      if (cur === undefined) continue;
      const prev = this.ifPrev.get(name);
      if (prev !== undefined) this.ifTotal += cur >= prev ? cur - prev : cur;
      else if (this.primed) this.ifTotal += cur;
      this.ifPrev.set(name, cur);
    }
    // With `any`, interfaces come and go (containers): forget the departed so the map stays
    // as small as the interface list; one that returns under the same name has new counters.
    if (names.length > 0 && this.ifPrev.size > names.length) {
      for (const name of this.ifPrev.keys()) if (!names.includes(name)) this.ifPrev.delete(name);
    }
    const text = this.fsys.readText(SOFTNET_STAT);
    if (text !== undefined) {
      for (const [cpu, cur] of parseSoftnetDropped(text)) {
        const prev = this.cpuPrev.get(cpu);
        if (prev !== undefined) this.backlogTotal += (cur - prev + TWO_POW_32) % TWO_POW_32;
        this.cpuPrev.set(cpu, cur);
      }
    }
  }

  private ifaceNames(): readonly string[] | undefined {
    if (this.iface !== 'any') return [this.iface];
    return this.fsys.listDir(SYS_NET);
  }

  private readIfDrops(name: string): number | undefined {
    const base = `${SYS_NET}/${name}/statistics/`;
    const missed = parseCounter(this.fsys.readText(`${base}rx_missed_errors`));
    const fifo = parseCounter(this.fsys.readText(`${base}rx_fifo_errors`));
    if (missed === undefined && fifo === undefined) return undefined;
    return (missed ?? 0) + (fifo ?? 0);
  }
}

function parseCounter(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  return Number(t);
}
