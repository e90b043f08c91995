/**
 * The capture options shared by every command that reads packets (stats, audit, run), spelled
 * as tcpdump users expect: -r FILE (repeatable, "-" = stdin), -i IFACE, -f/BPF, -s snaplen,
 * -B buffer size in KiB, -p no promiscuous mode, -c count.
 */
import { type Command, Option } from 'commander';
import { ConfigError } from '../core/errors.js';
import type { PacketSourceOptions } from '../pipeline/packet-source.js';

export interface CaptureOptions extends PacketSourceOptions {
  read: string[];
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive whole number, got "${value}"`);
    return n;
  };
}

export function addCaptureOptions(cmd: Command): Command {
  return cmd
    .option('-r, --read <file>', 'read packets from a pcap/pcapng file ("-" = standard input); repeat to merge files by time', collect, [])
    .option('-i, --interface <iface>', 'capture live on an interface (needs root or CAP_NET_RAW)')
    .option('-f, --filter <bpf>', 'BPF capture filter for live capture (tcpdump syntax)')
    .option('-s, --snaplen <bytes>', 'live capture snapshot length', positiveInt('--snaplen'), 262144)
    .option('-B, --buffer-size <KiB>', 'live capture kernel buffer size in KiB', positiveInt('--buffer-size'), 65536)
    .option('-p, --no-promiscuous', 'do not put the interface into promiscuous mode')
    .option('-c, --count <frames>', 'stop after this many frames (live, or the first frames of the -r files in time order, as tcpdump -c)', positiveInt('--count'))
    .addOption(new Option('--duration <seconds>', 'stop live capture after this many seconds').argParser(positiveInt('--duration')))
    .addOption(
      new Option('--capture-backend <backend>', 'live capture through dumpcap (a separate process, reports ring drops) or cap (in-process libpcap); auto = dumpcap when installed').choices(['auto', 'dumpcap', 'cap']).default('auto'),
    );
}

/** Checks that exactly one packet source was given. */
export function checkCaptureSource(o: CaptureOptions): void {
  if (o.read.length === 0 && o.interface === undefined) {
    throw new ConfigError('no packet source', 'give -r FILE (a pcap/pcapng capture, "-" for stdin) or -i IFACE for live capture');
  }
  if (o.read.length > 0 && o.interface !== undefined) {
    throw new ConfigError('-r and -i cannot be combined', 'read files with -r, or capture live with -i, in separate runs');
  }
  if (o.filter !== undefined && o.interface === undefined) {
    throw new ConfigError('-f applies to live capture only', 'filter a file first with tcpdump -r IN -w OUT "FILTER", or use -i');
  }
}
