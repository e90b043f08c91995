/**
 * The chunk map of one message as inline SVG: a bar over the message's bytes (1..total, RFC 4975
 * section 7.1.1 Byte-Range), received ranges green (copies seen again, e.g. on a second relay
 * leg, light green), missing ranges red, each range's frames in a <title> tooltip; the table
 * next to it lists the same with frame numbers in text.
 */
import { esc } from './html-escape.js';
import type { ChunkMapView } from './chunk-map-view.js';

const W = 640;
const H = 22;

export function renderChunkMapSvg(map: ChunkMapView): string {
  const total = Math.max(1, map.total);
  const scale = W / total;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="chunkmap" width="${W + 2}" height="${H + 16}" viewBox="0 0 ${W + 2} ${H + 16}" role="img" aria-label="chunk map">`];
  out.push(`<rect x="1" y="1" width="${W}" height="${H}" class="cm-bg"/>`);
  for (const s of map.segments) {
    const end = s.end ?? total;
    if (end < s.start) continue;
    const x = 1 + (s.start - 1) * scale;
    const w = Math.max(1, (end - s.start + 1) * scale);
    const frames = s.frame === null ? 'not captured' : s.lastFrame !== null && s.lastFrame !== s.frame ? `frames ${s.frame}-${s.lastFrame}` : `frame ${s.frame}`;
    out.push(
      `<rect x="${x.toFixed(2)}" y="${s.kind === 'duplicate' ? 12 : 1}" width="${w.toFixed(2)}" height="${s.kind === 'duplicate' ? H - 11 : H}" class="cm-${s.kind}"><title>${esc(`bytes ${s.start}-${s.end ?? '*'} ${s.kind}, ${frames}`)}</title></rect>`,
    );
  }
  out.push(`<text x="1" y="${H + 14}" class="cm-t">1</text><text x="${W + 1}" y="${H + 14}" text-anchor="end" class="cm-t">${esc(map.totalKnown ? String(map.total) : `${map.total} (total unknown)`)}</text>`);
  out.push(`</svg>`);
  return out.join('');
}
