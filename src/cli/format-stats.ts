/** Text rendering of `msrptap stats` (capinfos-like: one "label: value" line per fact). */
import type { CaptureStatsJson } from '../pipeline/capture-stats.js';

function counts(rec: Record<string, number>): string {
  const keys = Object.keys(rec);
  return keys.length === 0 ? 'none' : keys.map((k) => `${k} ${rec[k]}`).join(', ');
}

/** "protocol 1: 3 frames, protocol 50: 2 frames", or "none". */
function notDecoded(rec: Record<string, number>): string {
  const keys = Object.keys(rec);
  return keys.length === 0 ? 'none' : keys.map((k) => `protocol ${k}: ${rec[k]} frames`).join(', ');
}

export function formatStats(s: CaptureStatsJson): string {
  const rows: [string, string][] = [
    ['Inputs', s.inputs.map((i) => `${i.path} (${i.bytes} bytes)`).join(', ')],
    ['Frames', String(s.frames)],
    ['Bytes', `${s.bytes} captured, ${s.wireBytes} on the wire`],
    ['Snaplen-truncated frames', String(s.truncatedFrames)],
    ['Link types', counts(s.linkTypes)],
    ['First timestamp', s.firstTimestamp ?? '-'],
    ['Last timestamp', s.lastTimestamp ?? '-'],
    ['IPv4 frames', String(s.ipv4)],
    ['IPv6 frames', String(s.ipv6)],
    ['VLAN-tagged frames', String(s.vlanTagged)],
    ['Tunnelled frames', counts(s.tunnels)],
    ['IP fragments', `${s.fragments} (${s.fragmentsReassembled} datagrams reassembled)`],
    ['TCP connections', `${s.tcpConnections} (${s.tcpSegments} segments)`],
    ['UDP datagrams', String(s.udpDatagrams)],
    ['SCTP packets', String(s.sctpPackets)],
    ['IP protocols not decoded', notDecoded(s.ipProtocolsNotDecoded)],
  ];
  if (s.live !== undefined) rows.push(['Kernel drops', `${s.live.dropped} (interface ${s.live.ifDropped}) of ${s.live.received} received`]);
  const anomalies = Object.entries(s.anomalies);
  rows.push(['Anomalies', anomalies.length === 0 ? 'none' : String(anomalies.reduce((n, [, c]) => n + c, 0))]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  let out = rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
  for (const [code, n] of anomalies) out += `  ${code.padEnd(width - 2)}${n}\n`;
  return out;
}
