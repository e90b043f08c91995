/**
 * Where a not-yet-intercepted dialog's last SIP message travelled, kept small (issue 12).
 *
 * Why: a task reload may start intercepting a dialog in progress, and its first record needs a
 * network context (Correlator.updateTasks). Every non-target dialog therefore remembers its
 * last hop, but a NetworkContext with two copied address arrays weighs ~470 bytes of heap
 * (a typed array and its buffer are ~230 bytes each, whatever their length), a third of what a
 * light non-target dialog needs in all. The addresses are kept as one latin1 string instead
 * (~40 bytes) and turned back into a NetworkContext only when a record needs it.
 */
import type { NetworkContext } from '../records/network-context.js';
import type { PacketRef } from '../analyzers/app-event-sink.js';

export class SeenSipHop {
  private constructor(
    /** Source then destination address bytes, one char per byte. */
    private readonly addrs: string,
    private readonly srcLen: number,
    private readonly srcPort: number,
    private readonly dstPort: number,
    private readonly ipProto: number,
    private readonly tsSec: number,
    private readonly tsNsec: number,
    private readonly frameNo: number,
  ) {}

  static of(where: PacketRef): SeenSipHop {
    let s = '';
    for (const b of where.srcAddr) s += String.fromCharCode(b);
    for (const b of where.dstAddr) s += String.fromCharCode(b);
    // `+=` builds a cons string; flatten it so the hop holds one small flat string.
    return new SeenSipHop(s.length < 13 ? s : (' ' + s).slice(1), where.srcAddr.length, where.srcPort, where.dstPort, where.ipProto, where.tsSec, where.tsNsec, where.frameNo);
  }

  /** The network context (owned address copies), as the SIP side builds it (./sip-side.ts, sipNetwork). */
  network(): NetworkContext {
    const bytes = Uint8Array.from(this.addrs, (c) => c.charCodeAt(0));
    return {
      srcAddr: bytes.slice(0, this.srcLen),
      dstAddr: bytes.slice(this.srcLen),
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      ipProto: this.ipProto,
      tsSec: this.tsSec,
      tsNsec: this.tsNsec,
      frameNo: this.frameNo,
    };
  }
}
