/**
 * The ladder diagram of one session as data: one lane per host, one arrow per SIP or MSRP message
 * in capture order, each with the frames it came from. Pure.
 */
import type { AuditLadderEvent } from '../records/audit-report-schema.js';

export interface LadderLane {
  /** IP address (lanes are hosts; ports vary per connection and are shown per arrow). */
  readonly address: string;
}

export interface LadderArrow {
  readonly from: number;
  readonly to: number;
  readonly proto: 'sip' | 'msrp';
  readonly frame: number;
  readonly lastFrame: number;
  readonly time: string;
  readonly src: string;
  readonly dst: string;
  readonly label: string;
  readonly detail: string | null;
  readonly messageId: string | null;
}

/** Host part of `a.b.c.d:port` / `[v6]:port`. */
export function endpointHost(ep: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(ep);
  if (m !== null) return m[1]!;
  const i = ep.lastIndexOf(':');
  return i > 0 ? ep.slice(0, i) : ep;
}

/** Lanes in order of first appearance, and the arrows between them. */
export function buildLadder(events: readonly AuditLadderEvent[]): { lanes: LadderLane[]; arrows: LadderArrow[] } {
  const lanes: LadderLane[] = [];
  const idx = new Map<string, number>();
  const lane = (ep: string): number => {
    const h = endpointHost(ep);
    let i = idx.get(h);
    if (i === undefined) {
      i = lanes.length;
      idx.set(h, i);
      lanes.push({ address: h });
    }
    return i;
  };
  const arrows = events.map((e) => ({ from: lane(e.src), to: lane(e.dst), proto: e.proto, frame: e.frame, lastFrame: e.lastFrame, time: e.time, src: e.src, dst: e.dst, label: e.label, detail: e.detail, messageId: e.messageId }));
  return { lanes, arrows };
}
