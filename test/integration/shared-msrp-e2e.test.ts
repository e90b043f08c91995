/**
 * One MSRP session seen through two SIP legs, end to end through `msrptap run`: a B2BUA keeps the
 * Call-ID (two dialogs, RFC 3261 section 12: alice → service, ESRP → bob) and passes a=path through
 * unchanged, so both legs' SDP name the same MSRP session-ids. The caller's task and the ESRP's
 * task each get one X3 per MSRP SEND of the chat, and each LIID's output files are
 * byte-identical whether its task runs alone or with the other.
 *
 * The capture is built here with the scenario generators (samples/gen), not kept as a sample.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFile } from '../../src/encode/index.js';
import { PduType } from '../../src/encode/x2x3/x2x3-constants.js';
import { cpimText, establish, hangUp, PCSCF, say, SCENARIO_T0, SCSCF, ue, udpPath } from '../../samples/gen/scenarios/common.js';
import { dialogFor } from '../../samples/gen/scenarios/chat-scenarios.js';
import { msrpSdp, msrpUri } from '../../samples/gen/scenarios/ims-sip.js';
import { MsrpLeg, MsrpRoute, Scenario, SipUdpLink, type ScenarioResult } from '../../samples/gen/scenarios/wire.js';
import { runCli } from '../helpers/run-cli.js';
import { liidOutputs } from '../helpers/file-tree.js';

const B2BUA_HOP = { ip: '10.10.2.5', port: 5060 };

function b2buaChat(): ScenarioResult {
  const sc = new Scenario('shared-msrp', 'sharedMsrpE2e', 'B2BUA keeping Call-ID and a=path', { startSec: SCENARIO_T0, seed: 0x5_4a2e_d001 });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49152);
  // The caller dials the service; the ESRP re-originates the call with its own From (as in
  // ng911dev INVITE_ESRP_009): the ESRP is a party of leg 2 only.
  const service = ue('sos-service', undefined, B2BUA_HOP.ip, 49998);
  const esrp = ue('esrp', 'ESRP', B2BUA_HOP.ip, 49999);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  sc.task('LIID-CALLER', [{ sipUri: alice.impu }]);
  sc.task('LIID-ESRP', [{ sipUri: esrp.impu }]);
  const leg1 = dialogFor(sc, alice, service, 'UDP', { callerHop: PCSCF, calleeHop: B2BUA_HOP });
  const leg2 = dialogFor(sc, esrp, bob, 'UDP', { callId: leg1.callId, callerHop: B2BUA_HOP, calleeHop: SCSCF });
  const aliceSid = sc.token(12);
  const bobSid = sc.token(12);
  const aliceUri = msrpUri(alice.ip, alice.msrpPort, aliceSid);
  const bobUri = msrpUri(bob.ip, bob.msrpPort, bobSid);
  // The B2BUA passes both SDP bodies through unchanged: both legs name the same MSRP session.
  const offer = msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [aliceUri], setup: 'active', sessionVersion: 3_900_000_101 });
  const answer = msrpSdp({ ip: bob.ip, port: bob.msrpPort, path: [bobUri], setup: 'passive', sessionVersion: 3_900_000_102 });
  const sip1 = udpPath(new SipUdpLink(sc, PCSCF, B2BUA_HOP));
  const sip2 = udpPath(new SipUdpLink(sc, B2BUA_HOP, SCSCF));
  establish(sc, { dialog: leg2, sip: sip2, offer, answer, session: null, offerSid: aliceSid, answerSid: bobSid });
  establish(sc, { dialog: leg1, sip: sip1, offer, answer, session: null, offerSid: aliceSid, answerSid: bobSid });
  const leg = new MsrpLeg(sc, { ip: alice.ip, port: 50_321 }, { ip: bob.ip, port: bob.msrpPort });
  leg.open();
  const fwd = new MsrpRoute([aliceUri, bobUri], [{ leg, dir: 'c2s' }]);
  say(sc, fwd, null, cpimText(sc, alice.impu, bob.impu, 'Help, there is a fire at the station.'), { successReport: 'no', thinkMs: 900 });
  say(sc, fwd.reverse(), null, cpimText(sc, bob.impu, alice.impu, 'Units are on their way.'), { successReport: 'no', thinkMs: 1200 });
  say(sc, fwd, null, cpimText(sc, alice.impu, bob.impu, 'Thank you.'), { successReport: 'no', thinkMs: 700 });
  leg.close('c2s');
  hangUp(sc, { dialog: leg1, sip: sip1, session: null, fromCaller: true });
  hangUp(sc, { dialog: leg2, sip: sip2, session: null, fromCaller: true });
  return sc.result();
}

describe('run: one MSRP session through two SIP legs of a B2BUA keeping the Call-ID', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-shared-msrp-'));
  const sc = b2buaChat();
  const pcap = join(dir, 'in.pcap');
  writeFileSync(pcap, sc.capture.bytes());

  function run(name: string, liids: string[]): Map<string, Map<string, Buffer>> {
    const tasks = join(dir, `${name}.tasks.json`);
    writeFileSync(tasks, JSON.stringify({ ...sc.tasks, tasks: sc.tasks.tasks.filter((t) => liids.includes(t.liid)) }));
    const out = join(dir, name);
    const r = runCli(['run', '-r', pcap, '--tasks', tasks, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    return liidOutputs(out);
  }

  it('each task gets one X3 per SEND, alone or together, with byte-identical outputs', () => {
    expect(sc.wire.sends).toHaveLength(3);
    const both = run('both', ['LIID-CALLER', 'LIID-ESRP']);
    for (const liid of ['LIID-CALLER', 'LIID-ESRP']) {
      const files = both.get(liid)!;
      const d = decodeRecordFile(files.get('x2x3.pdu')!);
      if (d.kind !== 'x2x3') throw new Error('not x2x3');
      const x3 = d.items.filter((it) => it.pdu.pduType === PduType.X3).map((it) => Buffer.from(it.pdu.payload).toString('latin1'));
      expect(x3).toHaveLength(sc.wire.sends.length);
      for (const s of sc.wire.sends) expect(x3.filter((p) => p.includes(`Message-ID: ${s.messageId}`))).toHaveLength(1);
      const alone = run(liid, [liid]);
      expect([...alone.keys()]).toEqual([liid]);
      expect(alone.get(liid)).toEqual(files);
    }
  });
});
