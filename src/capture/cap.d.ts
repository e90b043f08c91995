/**
 * Types for the `cap` npm package 0.2.1 (mscdex/cap, a libpcap binding), written from its
 * lib/Cap.js and src/binding.cc because the package ships none. Only what msrptap uses or must
 * know about is declared. The package is CommonJS: `import('cap')` yields `{ default: ... }`.
 *
 * Facts from binding.cc that the declarations cannot express (live-capture.ts relies on them):
 * - `open()` calls pcap_create, fixes snaplen at 65535 and promiscuous mode on, sets the ring
 *   size to `bufSize`, a 1000 ms read timeout and (Linux, when `dlopen("libpcap.so")` finds
 *   the unversioned library) immediate mode, then activates, sets non-blocking, compiles and
 *   installs `filter`, and returns the link type as a name. Errors are thrown as plain `Error`s
 *   carrying libpcap's message. A failed `open()` leaves the native object in a state whose
 *   destructor aborts the process, so a failed instance must never be garbage-collected.
 * - Each `packet` event is emitted synchronously from a uv_poll callback that drains the
 *   socket; the packet bytes are copied into the one Buffer given to `open()` (at most its
 *   length; `truncated` is true when the captured length was larger). No timestamp, no
 *   original length, and no pcap_stats() binding.
 */
declare module 'cap' {
  import type { EventEmitter } from 'node:events';

  /** One address of a device, as inet_ntop strings. */
  export interface CapDeviceAddress {
    addr?: string;
    netmask?: string;
    broadaddr?: string;
    dstaddr?: string;
  }

  /** One entry of pcap_findalldevs(). */
  export interface CapDevice {
    name: string;
    description?: string;
    addresses: CapDeviceAddress[];
    flags?: 'PCAP_IF_LOOPBACK';
  }

  export class Cap extends EventEmitter {
    constructor();
    /**
     * Opens and starts capturing. Returns the data link type as 'NULL', 'ETHERNET',
     * 'IEEE802_11_RADIO', 'LINKTYPE_LINUX_SLL', 'RAW' or 'Unknown linktype <DLT number>'.
     * `bufSize` must be a uint32 that fits an int32.
     */
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
    /** Stops capturing; true when a handle was open. Safe inside a `packet` listener. */
    close(): boolean;
    send(buffer: Buffer, nBytes?: number): void;
    /** Windows (WinPcap/Npcap) only; undefined elsewhere. */
    setMinBytes?: (nBytes: number) => void;
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    off(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    static findDevice(ip?: string): string | undefined;
    static deviceList(): CapDevice[];
  }

  export const decoders: unknown;

  const cap: { Cap: typeof Cap; decoders: unknown };
  export default cap;
}
