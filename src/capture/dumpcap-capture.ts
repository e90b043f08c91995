/**
 * Live capture in a separate process: Wireshark's `dumpcap` writes pcapng to a pipe, read by
 * the pcapng reader as it arrives (issue 13, direction 7).
 *
 * Why: libpcap in the tap itself (./live-capture.ts, the `cap` binding) runs in immediate mode
 * with TPACKET_V2 64 KiB slots, about 1 000 frames in 64 MiB, and has no drop counter; the bench
 * lost 90 of 399 target messages at 100 000 frames/s while every counter said 0. dumpcap
 * (TPACKET_V3 blocks, a `-B` MiB ring) keeps capturing while JavaScript is busy: the ring and a
 * queue in dumpcap's memory (its capture thread, see {@link dumpcapArgs}) absorb the bursts; the
 * pipe's back-pressure holds dumpcap's writer, never the kernel ring's reader.
 * dumpcap also owns the privilege (setcap on it, or the `wireshark` group), so the analysing
 * process needs no CAP_NET_RAW.
 *
 * Drops: when dumpcap stops it writes an Interface Statistics Block (./interface-statistics.ts;
 * isb_ifdrop is libpcap's ps_drop, the capture ring's overflows) and prints
 * "Packets received/dropped on interface 'X': R/D (pcap:P/dumpcap:U/flushed:F/ps_ifdrop:I)" on
 * stderr. Both are read; the block wins when present. While running, the interface and backlog
 * counters of ./live-capture.ts are polled as for `cap`: dumpcap 4.0 reports its ring and queue
 * drops at the stop only (no statistics block before it, not even per file of a `-b` ring, and
 * nothing on stderr at any log level; the kernel keeps a TPACKET_V3 socket's drops in tp_drops,
 * which only getsockopt on dumpcap's own socket reads; `-S` opens separate handles). So the loss
 * signals while running are the TCP gaps and whole-connection losses of target sessions
 * (src/pipeline/live-stats.ts).
 *
 * Times are the kernel's receive timestamps from the pcapng blocks (unlike `cap`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { AnomalySink } from '../core/anomaly.js';
import { ConfigError, IoError } from '../core/errors.js';
import type { CapturedFrame } from '../core/frame.js';
import { ByteSource } from './byte-source.js';
import { KernelDropCounters, type CounterFs } from './kernel-drop-counters.js';
import { MAX_SNAPLEN, type LiveCaptureOptions, type LiveCaptureStats } from './live-capture.js';
import { type DumpcapSummary, parseDumpcapSummary } from './parse-dumpcap-summary.js';
import { PcapngReader } from './pcapng-reader.js';

// Moved to their own modules; still exported from here, where the live run imports them.
export { type CaptureBackendChoice, type CaptureBackendSelection, findDumpcap, selectCaptureBackend } from './select-capture-backend.js';

const PERMISSION_FIX =
  'let dumpcap capture: sudo setcap cap_net_raw,cap_net_admin=eip "$(command -v dumpcap)" and add this user to the group that may run it ' +
  '(Debian: sudo dpkg-reconfigure wireshark-common, then sudo usermod -aG wireshark "$USER"), or run as root';

/** dumpcap's -C takes an int (dumpcap.c get_positive_int). */
const MAX_QUEUE_BYTES = 0x7fffffff;

/**
 * The dumpcap command line for `o` (pcapng to standard output, quiet).
 *
 * `-t -C`: dumpcap reads the kernel ring in its own thread into a queue in its memory, and
 * writes the queue to the tap in another (dumpcap.c capture_loop_queue_packet_cb). Without it,
 * dumpcap writes each packet to the pipe from the thread that reads the ring, so a busy tap
 * stops the reading as soon as the socket pair's ~200 KiB (~100 frames) are full, and the ring
 * overflows. The queue gets as many bytes as the ring (`-B`); packets that find it full are
 * counted (`dumpcap:` in the summary, isb_osdrop in the final statistics), never silent. Measured
 * on lo, the tap blocked for 3 s, an 8 MiB ring: a 60 000-frame burst lost 7 898 frames without
 * the queue, none with a 256 MiB one; a 100 000-frame burst none with 64 MiB (docs/live.md).
 */
export function dumpcapArgs(o: { iface: string; filter: string; snaplen: number; bufferSize: number; promiscuous: boolean }): string[] {
  const ringMiB = Math.max(1, Math.ceil(o.bufferSize / (1024 * 1024)));
  const queueBytes = Math.min(ringMiB * 1024 * 1024, MAX_QUEUE_BYTES);
  const args = ['-i', o.iface, '-w', '-', '-q', '-s', String(o.snaplen), '-B', String(ringMiB), '-t', '-C', String(queueBytes)];
  if (!o.promiscuous) args.push('-p');
  if (o.filter !== '') args.push('-f', o.filter);
  return args;
}

/** The last lines dumpcap wrote on stderr, for the error message (its own words). */
function dumpcapWords(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Capturing on /.test(l) && !/^File: /.test(l))
    .join(' ')
    .slice(0, 500);
}

/** Turns a failed start (dumpcap exited before its first interface block) into a fixable error. */
export function dumpcapStartError(iface: string, filter: string, stderr: string, exit: string): Error {
  const words = dumpcapWords(stderr);
  if (/permission|not permitted|EPERM|EACCES|privileges/i.test(words)) {
    return new ConfigError(`dumpcap may not capture on interface '${iface}' (${words})`, PERMISSION_FIX);
  }
  if (/no (such )?device|There is no device named/i.test(words)) {
    return new ConfigError(`no capture interface named '${iface}' (${words})`, 'pass one of the interfaces listed by: dumpcap -D');
  }
  if (/Invalid capture filter|capture filter/i.test(words)) {
    return new ConfigError(`dumpcap rejected the filter "${filter}" (${words})`, 'check the filter syntax (pcap-filter(7)), e.g. with: dumpcap -d -f <filter>');
  }
  if (/not up/i.test(words)) return new ConfigError(`interface '${iface}' is down (${words})`, `bring it up first: ip link set ${iface} up`);
  return new IoError(`dumpcap could not capture on '${iface}' (${exit}${words !== '' ? `: ${words}` : ''})`, `live:${iface}`);
}

/** What a dumpcap capture says once dumpcap stopped. */
export interface DumpcapFinal {
  /** Packets lost before the tap (capture ring and dumpcap): the ISB's isb_ifdrop + isb_osdrop, else the stderr summary. */
  readonly captureDropped: number | undefined;
  readonly from: 'isb' | 'stderr' | 'none';
  readonly summary: DumpcapSummary | undefined;
}

/** An open dumpcap capture. */
export interface DumpcapCapture {
  readonly linkType: number;
  readonly snaplen: number;
  readonly dropSources: readonly string[];
  readonly pid: number | undefined;
  /** Current totals; `captureDropped` once dumpcap stopped. */
  stats(): LiveCaptureStats;
  /** As LiveCapture.pollDrops: interface and backlog counters, reported as `capture.kernel_drop`. */
  pollDrops(): number;
  /**
   * Resolves when dumpcap stopped on its own (died, was killed, or its output was damaged),
   * with the reason; never resolves for a capture stopped by {@link close}.
   */
  readonly died: Promise<string>;
  /**
   * Stops dumpcap (SIGTERM, then SIGKILL after `graceMs`), delivers the frames still in the
   * pipe, reads the final statistics, reports ring drops as `capture.kernel_drop`. Idempotent.
   */
  close(graceMs?: number): Promise<DumpcapFinal>;
}

/** At stop: dumpcap's output must have been silent this long (more than its 250 ms read timeout)... */
const QUIET_MS = 400;
/** ... waiting at most this long on a link that never goes quiet. */
const QUIET_MAX_MS = 2000;

/** Bytes of dumpcap's stderr kept (its messages are short; the summary is at the end). */
const STDERR_KEEP = 16 * 1024;

/**
 * Starts dumpcap on `opts.iface` and delivers every frame to `onFrame` (same contract as
 * openLiveCapture: the frame and its data are valid during the call only). Resolves once
 * dumpcap has written its first Interface Description Block (the capture is open).
 * @throws ConfigError when dumpcap cannot be run, may not capture, the interface is unknown or
 * the filter is rejected (the message names the fix); IoError for other start failures.
 */
export async function openDumpcapCapture(
  dumpcapPath: string,
  opts: LiveCaptureOptions,
  onFrame: (frame: CapturedFrame) => void,
  anomalies: AnomalySink,
  internals: { counterFs?: CounterFs; extraArgs?: readonly string[] } = {},
): Promise<DumpcapCapture> {
  const o = validate(opts);
  const counters = new KernelDropCounters(o.iface, internals.counterFs);
  const child: ChildProcess = spawn(dumpcapPath, [...dumpcapArgs(o), ...(internals.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C at the terminal reaches the tap, which stops dumpcap
    // itself after the last frames; otherwise dumpcap would look like it died on its own. If the
    // tap dies, dumpcap's next write fails (EPIPE) and it exits.
    detached: true,
  });
  const name = `live:${o.iface}`;
  const src = ByteSource.pushed(name, { chunkSize: 1024 * 1024 });
  let reader: PcapngReader | undefined;
  let stderr = '';
  let received = 0;
  let stopping = false;
  let streamError: string | undefined;
  /** The first interface: known once dumpcap wrote its Interface Description Block. */
  let iface0: { linkType: number; snaplen: number } | undefined;
  let polledTotal = 0;
  let polledIf = 0;
  let polledBacklog = 0;

  let onOpen: (() => void) | undefined;
  const opened = new Promise<void>((resolve) => {
    onOpen = resolve;
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(`cannot run ${dumpcapPath}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    child.once('close', (code, signal) => resolve(signal !== null ? `killed by ${signal}` : `exit code ${code}`));
  });

  const drain = (): void => {
    if (streamError !== undefined) return;
    try {
      if (reader === undefined) {
        if (src.available < 4) return; // at the end too: dumpcap wrote nothing (start failure)
        reader = new PcapngReader(src, o.source, anomalies);
      }
      while (reader.readable()) {
        const f = reader.next();
        if (f === null) break;
        received++;
        onFrame(f);
      }
      if (iface0 === undefined) {
        iface0 = reader.interfaces[0] ?? firstInterface(src.buf, src.pos, src.end);
        if (iface0 !== undefined) onOpen?.();
      }
    } catch (e) {
      // Damaged output (or a bug): stop dumpcap rather than guess where the next block starts.
      streamError = `dumpcap output unreadable: ${(e as Error).message}`;
      child.kill('SIGTERM');
    }
  };
  let lastDataAt = Date.now();
  child.stdout!.on('data', (chunk: Buffer) => {
    lastDataAt = Date.now();
    src.push(chunk);
    drain();
  });
  const stdoutEnded = new Promise<void>((resolve) => {
    child.stdout!.once('close', () => {
      src.endPush();
      drain();
      resolve();
    });
  });
  child.stderr!.setEncoding('latin1');
  child.stderr!.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_KEEP);
  });

  const startFailure = await Promise.race([opened.then(() => undefined), exited]);
  if (startFailure !== undefined) {
    await stdoutEnded;
    if (iface0 === undefined) {
      await new Promise<void>((r) => (child.stderr!.readableEnded ? r() : child.stderr!.once('close', () => r())));
      throw streamError !== undefined ? new IoError(streamError, name) : dumpcapStartError(o.iface, o.filter, stderr, startFailure);
    }
  }
  const rd = reader!;
  const linkType = iface0!.linkType;
  const snaplen = iface0!.snaplen === 0 ? o.snaplen : iface0!.snaplen;

  const pollDrops = (): number => {
    counters.refresh();
    const ifd = counters.ifDropped;
    const bl = counters.backlogDropped;
    const fresh = ifd + bl - polledTotal;
    if (fresh > 0) anomalies.report('capture.kernel_drop', received > 0 ? received : undefined, `count=${fresh} ifdrop=${ifd - polledIf} backlog=${bl - polledBacklog}`);
    polledTotal = ifd + bl;
    polledIf = ifd;
    polledBacklog = bl;
    return fresh;
  };

  let final: DumpcapFinal | undefined;
  const finish = async (): Promise<DumpcapFinal> => {
    await Promise.all([exited, stdoutEnded, new Promise<void>((r) => (child.stderr!.readableEnded ? r() : child.stderr!.once('close', () => r())))]);
    pollDrops();
    const summary = parseDumpcapSummary(stderr);
    const isbs = rd.interfaceStatistics;
    let captureDropped: number | undefined;
    let from: DumpcapFinal['from'] = 'none';
    if (isbs.some((s) => s.ifDrop !== undefined || s.osDrop !== undefined)) {
      captureDropped = isbs.reduce((n, s) => n + (s.ifDrop ?? 0) + (s.osDrop ?? 0), 0);
      from = 'isb';
    } else if (summary !== undefined) {
      captureDropped = summary.dropped;
      from = 'stderr';
    }
    if (captureDropped !== undefined && captureDropped > 0) {
      anomalies.report('capture.kernel_drop', received > 0 ? received : undefined, `count=${captureDropped} ring=${captureDropped} from=${from}`);
    }
    final = { captureDropped, from, summary };
    return final;
  };
  let closing: Promise<DumpcapFinal> | undefined;

  const died = exited.then((why) => {
    if (stopping) return new Promise<string>(() => {});
    return streamError ?? `dumpcap stopped on its own (${why}${dumpcapWords(stderr) !== '' ? `: ${dumpcapWords(stderr)}` : ''})`;
  });

  return {
    linkType,
    snaplen,
    dropSources: counters.sources,
    pid: child.pid,
    stats(): LiveCaptureStats {
      if (final === undefined) counters.refresh();
      return {
        received,
        dropped: counters.backlogDropped,
        ifDropped: counters.ifDropped,
        ...(final?.captureDropped !== undefined ? { captureDropped: final.captureDropped } : {}),
      };
    },
    pollDrops,
    died,
    close(graceMs = 5000): Promise<DumpcapFinal> {
      if (closing !== undefined) return closing;
      stopping = true;
      closing = (async () => {
        // dumpcap reads the kernel ring in blocks, handing them over when a block fills or its
        // read timeout passes (dumpcap.c CAP_READ_TIMEOUT, 250 ms), and on SIGTERM it stops
        // without reading the ring again: packets captured just before the stop would be lost.
        // So first let its output go quiet for longer than that timeout (bounded, for a busy link).
        const until = Date.now() + QUIET_MAX_MS;
        while (child.exitCode === null && child.signalCode === null && Date.now() - lastDataAt < QUIET_MS && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 25));
        }
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await finish();
        } finally {
          clearTimeout(killer);
        }
      })();
      return closing;
    },
  };
}

/**
 * Link type and snaplen of the first Interface Description Block among the whole blocks in
 * `buf[pos, end)` after a Section Header Block (pcapng sections 4.1, 4.2): the reader parses an
 * IDB only on its way to a packet, and the capture is open before the first packet arrives.
 */
function firstInterface(buf: Uint8Array, pos: number, end: number): { linkType: number; snaplen: number } | undefined {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (end - pos < 12 || dv.getUint32(pos, true) !== 0x0a0d0d0a) return undefined;
  const le = dv.getUint32(pos + 8, true) === 0x1a2b3c4d;
  for (let p = pos; p + 12 <= end; ) {
    const len = dv.getUint32(p + 4, le);
    if (len < 12 || p + len > end) return undefined;
    if (dv.getUint32(p, le) === 1 && len >= 20) return { linkType: dv.getUint16(p + 8, le), snaplen: dv.getUint32(p + 12, le) };
    p += len;
  }
  return undefined;
}

function validate(opts: LiveCaptureOptions): { iface: string; filter: string; snaplen: number; bufferSize: number; promiscuous: boolean; source: number } {
  if (typeof opts.iface !== 'string' || opts.iface === '' || opts.iface.includes('\0') || opts.iface.startsWith('-')) {
    throw new ConfigError('live capture needs an interface name', 'pass the interface to capture on, e.g. -i eth0');
  }
  const snaplen = opts.snaplen ?? MAX_SNAPLEN;
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > MAX_SNAPLEN) {
    throw new ConfigError(`snaplen ${snaplen} is out of range`, `use an integer from 1 to ${MAX_SNAPLEN}`);
  }
  const bufferSize = opts.bufferSize ?? 64 * 1024 * 1024;
  if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new ConfigError(`capture buffer size ${bufferSize} is out of range`);
  return { iface: opts.iface, filter: opts.filter ?? '', snaplen, bufferSize, promiscuous: opts.promiscuous ?? true, source: opts.source ?? 0 };
}
