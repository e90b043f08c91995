/**
 * The ladder (sequence) diagram of one session as inline SVG: one vertical lane per host, one
 * arrow per SIP message / MSRP frame in capture order, the frame number and time at the left,
 * the method or status on the arrow, the endpoints and details in a <title> tooltip. Every text
 * is escaped (./html-escape.ts); ids are prefixed with the session anchor so several diagrams
 * can share one document.
 */
import { esc } from './html-escape.js';
import type { LadderArrow, LadderLane } from './ladder-view.js';

const LEFT = 200;
const LANE_W = 190;
const TOP = 46;
const ROW_H = 26;
/** Arrows drawn at most (the session's ladder is capped by the correlator too). */
export const MAX_LADDER_ROWS = 1500;

/** Time of day with microseconds from an audit timestamp (`2026-11-28T10:00:00.000500000Z`). */
export function timeOfDay(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (m === null) return iso;
  return `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

export function renderLadderSvg(anchor: string, lanes: readonly LadderLane[], arrows: readonly LadderArrow[]): string {
  const rows = arrows.slice(0, MAX_LADDER_ROWS);
  const width = LEFT + Math.max(1, lanes.length) * LANE_W;
  const height = TOP + rows.length * ROW_H + 12;
  const x = (lane: number): number => LEFT + lane * LANE_W + LANE_W / 2;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="ladder" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="ladder diagram">`);
  out.push(`<defs>`);
  for (const p of ['sip', 'msrp', 'report'])
    out.push(`<marker id="${esc(anchor)}-ah-${p}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="ah-${p}"/></marker>`);
  out.push(`</defs>`);
  out.push(`<text x="8" y="18" class="lh">frame</text><text x="70" y="18" class="lh">time (UTC)</text>`);
  lanes.forEach((l, i) => {
    out.push(`<text x="${x(i)}" y="18" text-anchor="middle" class="lane">${esc(l.address)}</text>`);
    out.push(`<line x1="${x(i)}" y1="26" x2="${x(i)}" y2="${height - 4}" class="lifeline"/>`);
  });
  rows.forEach((a, r) => {
    const y = TOP + r * ROW_H + 14;
    const cls = a.proto === 'sip' ? 'sip' : a.label.startsWith('REPORT') ? 'report' : 'msrp';
    const frames = a.lastFrame !== a.frame ? `${a.frame}-${a.lastFrame}` : String(a.frame);
    const tip = `${a.proto.toUpperCase()} ${a.label}\n${a.src} → ${a.dst}\nframe ${frames}, ${a.time}${a.detail !== null ? `\n${a.detail}` : ''}${a.messageId !== null ? `\nMessage-ID ${a.messageId}` : ''}`;
    out.push(`<g class="arrow ${cls}" data-frame="${a.frame}"><title>${esc(tip)}</title>`);
    out.push(`<text x="8" y="${y + 4}" class="fr">#${esc(frames)}</text><text x="70" y="${y + 4}" class="tm">${esc(timeOfDay(a.time))}</text>`);
    const x1 = x(a.from);
    const x2 = x(a.to);
    if (a.from === a.to) {
      out.push(`<path d="M${x1},${y - 6} h40 v12 h-40" fill="none" class="ln ${cls}" marker-end="url(#${esc(anchor)}-ah-${cls})"/>`);
      out.push(`<text x="${x1 + 46}" y="${y + 4}" class="lb">${esc(a.label)}</text>`);
    } else {
      out.push(`<line x1="${x1}" y1="${y}" x2="${x2 + (x2 > x1 ? -1 : 1)}" y2="${y}" class="ln ${cls}" marker-end="url(#${esc(anchor)}-ah-${cls})"/>`);
      const label = a.detail !== null && a.proto === 'msrp' && a.label === 'SEND' ? `SEND ${a.detail.replace(/^tid \S+ ?/, '')}` : a.label;
      out.push(`<text x="${(x1 + x2) / 2}" y="${y - 4}" text-anchor="middle" class="lb">${esc(label)}</text>`);
    }
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join('');
}
