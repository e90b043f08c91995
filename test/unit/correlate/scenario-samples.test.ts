/**
 * The correlator against the scenario samples (samples/README.md, "Scenario samples"): each
 * capture goes through the real packet pipeline and analyzers into a Correlator; its audit must
 * equal the generator's truth file (the extra audit fields stripped), no record may contain a
 * non-target marker, and every record must be valid.
 *
 * Sessions without SIP start with the first packet of their TCP connection (the analyzers pass
 * it as `firstTsSec` on the stream ref). Known gap: the truth ends them with the connection's last
 * packet (its last ACK), the correlator with the end of their last MSRP frame (the TCP layer does
 * not tell the analyzers of packets without payload), so their end time is not compared.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppAnalyzers } from '../../../src/analyzers/app-analyzers.js';
import type { AppEventSink, MsrpStreamRef } from '../../../src/analyzers/app-event-sink.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { Correlator } from '../../../src/correlate/correlator.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import type { AuditSession } from '../../../src/correlate/audit-report.js';
import { PacketPipeline } from '../../../src/pipeline/packet-pipeline.js';
import { readCaptures } from '../../../src/pipeline/read-captures.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { validateRecord } from '../../../src/records/validate-record.js';
import { containsBytes } from '../../helpers/correlate-helpers.js';

const DIR = resolve(import.meta.dirname, '../../../samples');
const names = existsSync(`${DIR}/pcap`)
  ? readdirSync(`${DIR}/pcap`)
      .filter((f) => f.endsWith('.truth.json'))
      .map((f) => f.slice(0, -'.truth.json'.length))
  : [];

function strip(s: AuditSession, withEnd: boolean): Record<string, unknown> {
  const { targetRole: _r, messagesOmitted: _o, ccUnavailable: _c, ...rest } = s;
  const out: Record<string, unknown> = {
    ...rest,
    messages: s.messages.map(({ firstFrame: _a, lastFrame: _b, missing: _m, imdn: _i, isComposing: _ic, carriedBy: _cb, ...m }) => m),
    files: s.files.map(({ messageId: _mid, ...f }) => f),
  };
  if (!withEnd) delete out.endTime;
  return out;
}

describe.skipIf(names.length === 0)('Correlator on the scenario samples', () => {
  it.each(names)('%s', (name) => {
    const truth = JSON.parse(readFileSync(`${DIR}/pcap/${name}.truth.json`, 'utf8')) as { sessions: AuditSession[]; uncorrelated: AuditSession[]; anomalies: Record<string, number> };
    const tasks = parseTasksFile(JSON.parse(readFileSync(`${DIR}/tasks/${name}.tasks.json`, 'utf8')), `${name}.tasks.json`);
    const anomalies = new AnomalyCounter();
    const records: LiRecord[] = [];
    const c = new Correlator({ tasks, onRecord: (r) => records.push(r), anomalies });
    let connTimes = 0;
    let msrpStreams = 0;
    // The pipeline passes the correlator to the analyzers as their AppEventSink (structural).
    const asSink: AppEventSink = c;
    const sink: AppEventSink = {
      sip: c.sip.bind(c),
      msrpStream: (ref: MsrpStreamRef) => {
        msrpStreams++;
        if (ref.firstTsSec !== undefined) connTimes++;
        return c.msrpStream(ref);
      },
      tick: c.tick.bind(c),
      finish: c.finish.bind(c),
    };
    expect(asSink).toBe(c);
    const an = new AppAnalyzers(sink, anomalies);
    const p = new PacketPipeline({ tcpConsumers: an, udp: (pkt, f) => an.udp(pkt, f.frameNo, f.tsSec, f.tsNsec), anomalies, onTick: (s, n) => an.tick(s, n) });
    readCaptures([`${DIR}/pcap/${name}.pcap`], (f) => p.frame(f), anomalies);
    p.finish();
    an.finish();
    const got = c.auditReport();
    expect({ sessions: got.sessions.map((s) => strip(s, true)), uncorrelated: got.uncorrelated.map((s) => strip(s, false)), anomalies: got.anomalies }).toEqual({
      sessions: truth.sessions,
      uncorrelated: truth.uncorrelated.map((s) =>
        strip(
          {
            ...s,
            targetRole: null,
            messagesOmitted: 0,
            ccUnavailable: null,
            messages: s.messages.map((m) => ({ ...m, firstFrame: 0, lastFrame: 0, missing: [], imdn: null, isComposing: false, carriedBy: 'msrp' as const })),
            files: s.files.map((f) => ({ ...f, messageId: null })),
          },
          false,
        ),
      ),
      anomalies: truth.anomalies,
    });
    expect(connTimes).toBe(msrpStreams);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(validateRecord(r)).toEqual([]);
    const mf = `${DIR}/pcap/${name}.non-target-markers.json`;
    if (existsSync(mf)) {
      const markers = (JSON.parse(readFileSync(mf, 'utf8')) as { markers: string[] }).markers;
      for (const m of markers) {
        const needle = Buffer.from(m);
        expect(
          records.some((r) => containsBytes(r, needle)),
          `marker ${m}`,
        ).toBe(false);
        expect(JSON.stringify(got)).not.toContain(m);
      }
    }
  });
});
