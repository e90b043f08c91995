/**
 * Live capture from a network interface through the optional `cap` npm package (libpcap
 * binding, see ./cap.d.ts for what it does and does not expose).
 *
 * What the binding gives and what msrptap makes of it:
 * - Bytes: every packet is copied into one shared Buffer, so {@link CapturedFrame.data} is a
 *   view that is valid only during the `onFrame` callback.
 * - Time: no pcap timestamp. The time is taken when the packet event reaches JavaScript, i.e.
 *   the *time of capture by the tap*, not the kernel's receive timestamp: it lags the kernel
 *   time by the queueing in the capture ring and the event loop (microseconds when idle, more
 *   under load or while JavaScript is busy). It has nanosecond resolution, comes from the
 *   monotonic clock (process.hrtime) anchored once to the wall clock at open, and therefore
 *   never goes backwards; a later step of the system clock (NTP, settimeofday) is not
 *   followed. Records should qualify these times accordingly.
 * - Lengths: only the captured length. libpcap is opened with a fixed 65535-byte snap length
 *   by the binding, and the binding flags a packet only when it did not fit our buffer, so the
 *   original length is unknown whenever a frame reaches the snap length: origLen is then set
 *   to capLen and `capture.live_truncated` is reported.
 * - Drop counters: the binding has no pcap_stats(), and the capture ring's own drop counter
 *   (PACKET_STATISTICS tp_drops, what libpcap calls ps_drop) can only be read with getsockopt
 *   on the binding's private socket; Linux counts those drops nowhere else (af_packet.c
 *   tpacket_rcv increments po->tp_drops only, not sk_drops, so sock_diag / `ss` do not see
 *   them either). See {@link KernelDropCounters} for what is measured instead. Observed: a
 *   200 000-datagram burst on lo with the event loop busy delivered 511 frames, and every
 *   counter here stayed 0. Loss on TCP still shows downstream as reassembly gaps.
 * - Ring capacity: because the binding asks for immediate mode, libpcap uses TPACKET_V2, whose
 *   ring slots are sized by the snap length (65535) unless the interface has all offloads
 *   (GRO/LRO/GSO/TSO) off, in which case MTU + 18 (pcap-linux.c create_ring). So the ring
 *   holds about bufferSize / 64 KiB frames (1023 at the 64 MiB default; seen with `ss -0 -e`,
 *   each slot in its own 128 KiB block, so the kernel memory is about twice bufferSize) on lo
 *   and on offloading NICs, and about bufferSize / (MTU + 18 + header) otherwise. On a
 *   mirror port: `ethtool -K <if> gro off lro off gso off tso off` and a larger bufferSize.
 * - libpcap prints "Warning: ... This may not actually work" to stderr when the interface has no
 *   IPv4 address (pcap_lookupnet in the binding), as mirror ports often do; it is harmless
 *   unless the filter uses `ip broadcast`.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { ConfigError, IoError } from '../core/errors.js';
import type { CapturedFrame } from '../core/frame.js';
import { CaptureClock } from './capture-clock.js';
import { KernelDropCounters, NODE_COUNTER_FS, type CounterFs } from './kernel-drop-counters.js';
import { linkTypeFromCap } from './link-type-from-cap.js';
import { loadCap } from './load-cap.js';
import type { Cap as CapClass } from 'cap';

// Moved to their own modules; still exported from here, where the live capture's users import them.
export { linkTypeFromCap } from './link-type-from-cap.js';
export { loadCap } from './load-cap.js';

/** The binding hard-codes pcap_set_snaplen(65535) (binding.cc, Open). */
export const CAP_KERNEL_SNAPLEN = 65535;

/** tcpdump's MAXIMUM_SNAPLEN; larger values are rejected as configuration errors. */
export const MAX_SNAPLEN = 262144;

/** pcap_set_buffer_size takes an int (binding.cc converts with To<int32_t>). */
const MAX_BUFFER_SIZE = 0x7fffffff;
const MIN_BUFFER_SIZE = 65536;

/** Defaults of {@link LiveCaptureOptions}. */
export const LIVE_CAPTURE_DEFAULTS = {
  snaplen: MAX_SNAPLEN,
  /** Big on purpose: a mirror port delivers bursts, and the ring absorbs them. */
  bufferSize: 64 * 1024 * 1024,
  promiscuous: true,
} as const;

/** Options of {@link openLiveCapture}. */
export interface LiveCaptureOptions {
  /** Interface name as libpcap knows it (`eth0`, `lo`, `any`, ...). */
  iface: string;
  /** BPF filter (pcap-filter(7) syntax); empty or absent = everything. */
  filter?: string;
  /**
   * Bytes kept per packet, 1..262144 (default 262144). The binding opens libpcap with a fixed
   * 65535, so the effective snap length is min(snaplen, 65535).
   */
  snaplen?: number;
  /**
   * Kernel capture ring size in bytes, 65536..2^31-1 (default 64 MiB). Ring slots are 64 KiB
   * unless the interface's offloads are off (module comment), so this is about 1000 frames.
   */
  bufferSize?: number;
  /**
   * Promiscuous mode (default true). The binding always enables it, so `false` is rejected
   * with a ConfigError rather than silently ignored.
   */
  promiscuous?: boolean;
  /** Value for {@link CapturedFrame.source} (default 0). */
  source?: number;
}

/** Counters of a live capture; all are totals since open. */
export interface LiveCaptureStats {
  /** Frames handed to `onFrame` (not libpcap's ps_recv, which also counts ring drops). */
  received: number;
  /**
   * Packets the kernel dropped from its per-CPU input backlog since open
   * (/proc/net/softnet_stat column 2, summed over CPUs). System-wide: it may include packets
   * of other interfaces. Does NOT include capture-ring overflows (unobservable, see the
   * module comment).
   */
  dropped: number;
  /**
   * Packets the interface dropped since open: rx_missed_errors + rx_fifo_errors from
   * /sys/class/net/<iface>/statistics (summed over all interfaces for `any`), exactly what
   * libpcap reports as ps_ifdrop on Linux.
   */
  ifDropped: number;
  /**
   * Packets lost between the kernel and the tap (capture ring overflows and the capture
   * process's own drops), known only from the dumpcap backend and only once it stopped
   * (./dumpcap-capture.ts); absent with `cap`, which cannot read it.
   */
  captureDropped?: number;
}

/** An open live capture. */
export interface LiveCapture {
  /** LINKTYPE_* of the interface (see ../core/link-type.ts), e.g. 1 on `lo` and Ethernet. */
  readonly linkType: number;
  /** Effective snap length: min(options.snaplen, 65535). */
  readonly snaplen: number;
  /** The counter files that could be read at open (documents what `stats()` measures). */
  readonly dropSources: readonly string[];
  /** Current totals (reads the kernel counters; frozen after close). */
  stats(): LiveCaptureStats;
  /**
   * Reads the kernel drop counters and returns the drops (`dropped + ifDropped`) that are new
   * since the previous poll; when there are any, reports one `capture.kernel_drop` anomaly
   * (frame = last delivered frame, detail = counts). The caller polls periodically (e.g.
   * every second), never from `onFrame`.
   */
  pollDrops(): number;
  /**
   * Stops capturing and releases the interface; idempotent, safe inside `onFrame` (no frame
   * is delivered after it returns). Performs a final {@link LiveCapture.pollDrops}. The open
   * capture keeps the event loop alive until closed.
   */
  close(): void;
}

/**
 * Every Cap object ever created, kept reachable for the life of the process, because the
 * binding (0.2.1) cannot be garbage-collected safely:
 * - after a failed open() its native destructor calls uv_poll_stop on a poll handle that was
 *   never initialised, which aborts the process (observed);
 * - after a successful open() + close() the uv_poll handle is stopped but never uv_close()d,
 *   so it stays linked in the event loop's handle queue; freeing the object then leaves a
 *   dangling queue entry, and the next handle added to the loop writes into freed memory
 *   (observed as intermittent worker crashes until objects were pinned).
 * The cost is a few hundred bytes per open (the packet Buffer is not retained by the native
 * object after close), i.e. nothing for a tap that opens its interfaces once.
 */
const pinnedCaps: unknown[] = [];

function validate(opts: LiveCaptureOptions): Required<Omit<LiveCaptureOptions, 'filter'>> & { filter: string } {
  if (typeof opts.iface !== 'string' || opts.iface === '' || opts.iface.includes('\0')) {
    throw new ConfigError('live capture needs an interface name', 'pass the interface to capture on, e.g. -i eth0');
  }
  const snaplen = opts.snaplen ?? LIVE_CAPTURE_DEFAULTS.snaplen;
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > MAX_SNAPLEN) {
    throw new ConfigError(`snaplen ${snaplen} is out of range`, `use an integer from 1 to ${MAX_SNAPLEN}`);
  }
  const bufferSize = opts.bufferSize ?? LIVE_CAPTURE_DEFAULTS.bufferSize;
  if (!Number.isInteger(bufferSize) || bufferSize < MIN_BUFFER_SIZE || bufferSize > MAX_BUFFER_SIZE) {
    throw new ConfigError(`capture buffer size ${bufferSize} is out of range`, `use an integer number of bytes from ${MIN_BUFFER_SIZE} to ${MAX_BUFFER_SIZE}`);
  }
  const promiscuous = opts.promiscuous ?? LIVE_CAPTURE_DEFAULTS.promiscuous;
  if (!promiscuous) {
    throw new ConfigError("non-promiscuous live capture is not supported: the 'cap' binding always enables promiscuous mode", 'omit the promiscuous option (or set it to true)');
  }
  const source = opts.source ?? 0;
  if (!Number.isInteger(source) || source < 0) {
    throw new ConfigError(`source ${source} must be a non-negative integer`);
  }
  return { iface: opts.iface, filter: opts.filter ?? '', snaplen, bufferSize, promiscuous, source };
}

const PERMISSION_FIX = 'run as root, or grant CAP_NET_RAW: sudo setcap cap_net_raw+eip "$(readlink -f "$(command -v node)")"';

function permissionError(iface: string, why?: string): ConfigError {
  return new ConfigError(`no permission to capture on interface '${iface}'${why === undefined ? '' : ` (${why})`}: ` + 'live capture needs root or the CAP_NET_RAW capability', PERMISSION_FIX);
}

function noSuchInterface(iface: string, names: readonly string[] | undefined): ConfigError {
  const list = names === undefined ? 'the device list is unavailable' : `available: ${names.join(', ') || '(none)'}`;
  return new ConfigError(`no capture interface named '${iface}' (${list})`, 'pass one of the available interface names');
}

/**
 * Whether this process has CAP_NET_RAW in its effective set (capability(7) bit 13), from the
 * CapEff line of /proc/self/status; undefined when that cannot be read (not Linux).
 */
function hasNetRaw(fsys: CounterFs): boolean | undefined {
  const status = fsys.readText('/proc/self/status');
  const m = status === undefined ? null : /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  if (m === null) return undefined;
  return (BigInt(`0x${m[1]}`) & (1n << 13n)) !== 0n;
}

function deviceNames(Cap: typeof CapClass): string[] | undefined {
  try {
    return Cap.deviceList().map((d) => d.name);
  } catch {
    return undefined; // pcap_findalldevs failed; open() will tell
  }
}

/**
 * Turns an exception from cap's open() into a ConfigError (fixable by the user) or an IoError.
 * libpcap's messages do not say which step failed, so when a filter was given and the message
 * is not one of the known activation failures, a probe open without the filter decides whether
 * the filter was at fault (error path only; the probe object is pinned like every Cap).
 */
function openError(Cap: typeof CapClass, o: { iface: string; filter: string }, names: readonly string[] | undefined, e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  if (/permission|not permitted|EPERM|EACCES/i.test(msg)) return permissionError(o.iface, msg);
  if (/no such device/i.test(msg)) return noSuchInterface(o.iface, names);
  if (/not up/i.test(msg)) {
    return new ConfigError(`interface '${o.iface}' is down (${msg})`, `bring it up first: ip link set ${o.iface} up`);
  }
  if (o.filter !== '') {
    const probe = new Cap();
    pinnedCaps.push(probe);
    let activates = false;
    try {
      probe.open(o.iface, '', MIN_BUFFER_SIZE, Buffer.alloc(64));
      activates = true;
      probe.close();
    } catch {
      // the interface itself fails: report the original message below
    }
    // A filter error surfaces after pcap_activate: that handle stays bound (unfiltered, its ring
    // never read, so it just fills and drops) until the process exits; see pinnedCaps.
    if (activates) {
      return new ConfigError(`cannot capture on '${o.iface}' with filter "${o.filter}": ${msg}`, 'check the filter syntax (pcap-filter(7)), e.g. with: tcpdump -d <filter>');
    }
  }
  return new IoError(`cannot open live capture on '${o.iface}': ${msg}`, o.iface, undefined, { cause: e });
}

/**
 * Opens a live capture on `opts.iface` and delivers every captured frame to `onFrame`.
 *
 * `onFrame` runs synchronously inside the binding's read loop for every packet: it must only
 * hand the frame on (no I/O, no long work, no throwing), because while it runs the kernel ring
 * fills. The frame object is reused and its `data` is a view of the one shared packet buffer:
 * both are valid only until `onFrame` returns; copy what must outlive the call. Frame numbers
 * count from 1, `interfaceId` is 0, times are the time of capture by the tap (module comment).
 *
 * @throws ConfigError when `cap` is not built, the options are invalid, the interface does not
 * exist (the message lists the available ones), the process may not capture, or libpcap
 * rejects the filter. IoError for other libpcap failures.
 */
export async function openLiveCapture(
  opts: LiveCaptureOptions,
  onFrame: (frame: CapturedFrame) => void,
  anomalies: AnomalySink,
  /** @internal tests only: where the kernel drop counters are read. */
  internals: { counterFs?: CounterFs } = {},
): Promise<LiveCapture> {
  const o = validate(opts);
  const { Cap } = await loadCap();

  // Checked before open(), because a failed open() leaves an activated libpcap handle behind
  // (see pinnedCaps), and these two are the common mistakes.
  const names = deviceNames(Cap);
  if (names !== undefined && !names.includes(o.iface)) throw noSuchInterface(o.iface, names);
  if (hasNetRaw(NODE_COUNTER_FS) === false) throw permissionError(o.iface);

  const snaplen = Math.min(o.snaplen, CAP_KERNEL_SNAPLEN);
  // The binding copies at most buffer.length bytes and flags the rest as truncated, which is
  // how a snaplen below the binding's fixed 65535 is applied.
  const buffer = Buffer.alloc(snaplen);
  // Baseline before open(), as libpcap does, so drops during activation are counted.
  const counters = new KernelDropCounters(o.iface, internals.counterFs);
  const cap = new Cap();
  pinnedCaps.push(cap);
  let typeName: string;
  try {
    typeName = cap.open(o.iface, o.filter, o.bufferSize, buffer);
  } catch (e) {
    throw openError(Cap, o, names, e);
  }
  const linkType = linkTypeFromCap(typeName);
  if (linkType < 0) {
    cap.close();
    throw new IoError(`cannot open live capture: unrecognised link type '${typeName}' from cap`, o.iface);
  }

  const clock = new CaptureClock();
  const frame: CapturedFrame = {
    frameNo: 0,
    tsSec: 0,
    tsNsec: 0,
    linkType,
    capLen: 0,
    origLen: 0,
    data: new Uint8Array(0),
    interfaceId: 0,
    source: o.source,
  };
  const ab = buffer.buffer;
  const abOffset = buffer.byteOffset;
  let received = 0;
  let closed = false;
  let polledTotal = 0;
  let polledIf = 0;
  let polledBacklog = 0;

  // Hot path: one Uint8Array view per packet, no other allocation except the hrtime bigint.
  const onPacket = (nbytes: number, truncated: boolean): void => {
    if (closed) return;
    received++;
    frame.frameNo = received;
    clock.stamp(frame);
    frame.capLen = nbytes;
    frame.origLen = nbytes;
    frame.data = new Uint8Array(ab, abOffset, nbytes);
    // `truncated`: the packet did not fit our buffer (snaplen below 65535). nbytes at the
    // binding's 65535: libpcap may have cut it, and the binding does not pass pkthdr.len.
    if (truncated || nbytes >= CAP_KERNEL_SNAPLEN) {
      anomalies.report('capture.live_truncated', received, `capLen=${nbytes}`);
    }
    onFrame(frame);
  };
  cap.on('packet', onPacket);

  const pollDrops = (): number => {
    if (!closed) counters.refresh();
    const ifd = counters.ifDropped;
    const bl = counters.backlogDropped;
    const total = ifd + bl;
    const fresh = total - polledTotal;
    if (fresh > 0) {
      anomalies.report('capture.kernel_drop', received > 0 ? received : undefined, `count=${fresh} ifdrop=${ifd - polledIf} backlog=${bl - polledBacklog}`);
    }
    polledTotal = total;
    polledIf = ifd;
    polledBacklog = bl;
    return fresh;
  };

  return {
    linkType,
    snaplen,
    dropSources: counters.sources,
    stats(): LiveCaptureStats {
      if (!closed) counters.refresh();
      return { received, dropped: counters.backlogDropped, ifDropped: counters.ifDropped };
    },
    pollDrops,
    close(): void {
      if (closed) return;
      pollDrops();
      closed = true;
      cap.off('packet', onPacket);
      cap.close();
    },
  };
}
