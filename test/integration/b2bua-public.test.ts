/**
 * B2BUAs that keep the Call-ID, on real public captures (../shared/testdata/public, PROVENANCE.md),
 * through the CLI (`msrptap run`):
 * - ng911dev INVITE_ESRP_009: an ESRP re-originates the call with its own From (tag 4718ESRP) and
 *   the caller's Call-ID. The caller's task gets exactly leg 1 (both hops), the ESRP's task
 *   exactly leg 2, whether provisioned alone or together;
 * - ng911dev MESSAGE_ESRP_009: the ESRP re-sends a pager MESSAGE with its own From. Each task gets
 *   the messages naming its target, each with the direction of that message;
 * - every public capture with a multi-task tasks file, and every scenario sample whose tasks file
 *   has more than one task: each LIID's output files are byte-identical whether its task is run
 *   alone or together with the others.
 * Expected records come from tshark (an independent SIP decoder) reading the capture.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFile } from '../../src/encode/index.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { liidOutputs } from '../helpers/file-tree.js';
import { hasProgram } from '../helpers/has-program.js';

const PUB = join(ROOT, '..', 'shared', 'testdata', 'public');
const SAMPLES = join(ROOT, 'samples');
const INVITE = join(PUB, 'ng911dev-INVITE_ESRP_009_pass.pcapng');
const MESSAGE = join(PUB, 'ng911dev-MESSAGE_ESRP_009_pass.pcapng');

const hasTshark = hasProgram('tshark');

interface TaskFile {
  tasks: { xid: string; liid: string }[];
}

function runTo(pcap: string, tasks: unknown, out: string): void {
  const tf = `${out}.tasks.json`;
  writeFileSync(tf, JSON.stringify(tasks));
  const r = runCli(['run', '-r', pcap, '--tasks', tf, '--out', out]);
  expect(r.status, r.stderr).toBe(0);
}

/** One SIP message as tshark decodes it. */
interface WireSip {
  time: string;
  src: string;
  dst: string;
  firstLine: string;
  isRequest: boolean;
  fromUser: string;
  toUser: string;
  payloadHex: string;
}

function tsharkSip(pcap: string): WireSip[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      pcap,
      '-Y',
      'sip',
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      '-e',
      'frame.time_epoch',
      '-e',
      'ip.src',
      '-e',
      'tcp.srcport',
      '-e',
      'ip.dst',
      '-e',
      'tcp.dstport',
      '-e',
      'sip.Request-Line',
      '-e',
      'sip.Status-Line',
      '-e',
      'sip.from.user',
      '-e',
      'sip.to.user',
      '-e',
      'tcp.payload',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 },
  );
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [time, s, sp, d, dp, req, status, fromUser, toUser, payloadHex] = l.split('\t') as string[];
      return { time: time!, src: `${s}:${sp}`, dst: `${d}:${dp}`, firstLine: req !== '' ? req! : status!, isRequest: req !== '', fromUser: fromUser!, toUser: toUser!, payloadHex: payloadHex! };
    });
}

/**
 * The direction of a SIP message for a target with SIP URI user part `user` (RFC 3261 8.2.6.2: a
 * response keeps its request's From and To and is sent by the To party); null when the message
 * names the target in neither.
 */
function expectedDirection(m: WireSip, user: string): string | null {
  const [sender, receiver] = m.isRequest ? [m.fromUser, m.toUser] : [m.toUser, m.fromUser];
  if (sender === user) return 'fromTarget';
  if (receiver === user) return 'toTarget';
  return null;
}

type Rec = {
  time: { seconds: number; nanos: number };
  network: { srcAddr: Uint8Array; dstAddr: Uint8Array; srcPort: number; dstPort: number };
  direction: string;
  body: string;
  sipMessage?: { raw: Uint8Array };
  message?: { content: Uint8Array };
};

function records(file: string): Rec[] {
  const d = decodeRecordFile(readFileSync(file));
  expect(d.error).toBeUndefined();
  if (d.kind !== 'protobuf') throw new Error(`${file} is not a protobuf record file`);
  return d.items.map((i) => i.record as unknown as Rec);
}

const DIR: Record<string, string> = { DIRECTION_FROM_TARGET: 'fromTarget', DIRECTION_TO_TARGET: 'toTarget' };

/** `time src > dst direction first-line` of the iMSMessage records, sorted. */
function sipRecordRows(recs: Rec[]): string[] {
  return recs
    .filter((r) => r.body === 'sipMessage')
    .map((r) => {
      const n = r.network;
      const line = Buffer.from(r.sipMessage!.raw).toString('latin1').split('\r\n', 1)[0];
      return `${r.time.seconds}.${String(r.time.nanos).padStart(9, '0')} ${[...n.srcAddr].join('.')}:${n.srcPort} > ${[...n.dstAddr].join('.')}:${n.dstPort} ${DIR[r.direction] ?? r.direction} ${line}`;
    })
    .sort();
}

function wireRows(wire: WireSip[], user: string): string[] {
  const out: string[] = [];
  for (const m of wire) {
    const dir = expectedDirection(m, user);
    if (dir !== null) out.push(`${m.time} ${m.src} > ${m.dst} ${dir} ${m.firstLine}`);
  }
  return out.sort();
}

describe.skipIf(!existsSync(INVITE) || !hasTshark)('ng911dev INVITE through a B2BUA keeping the Call-ID', () => {
  const base = mkdtempSync(join(tmpdir(), 'msrptap-b2bua-'));
  const tasks = JSON.parse(readFileSync(join(PUB, 'tasks', 'ng911-invite-both.tasks.json'), 'utf8')) as TaskFile;
  const out = join(base, 'both');
  let ran = false;
  const run = (): void => {
    if (!ran) runTo(INVITE, tasks, out);
    ran = true;
  };

  it("the ESRP task gets leg 2 (From esrp) and nothing of leg 1, with each message's direction", () => {
    run();
    const wire = wireRows(tsharkSip(INVITE), 'esrp');
    expect(wire).toHaveLength(6); // INVITE, 180, 200, ACK, BYE, 200 (tshark)
    expect(sipRecordRows(records(join(out, 'LIID-PUB-ESRP', 'records.pb')))).toEqual(wire);
  });

  it('the caller task gets leg 1 on both hops (OSP→BCF, BCF→ESRP) and nothing of leg 2', () => {
    run();
    const wire = wireRows(tsharkSip(INVITE), '+12025551212');
    expect(wire).toHaveLength(10);
    const recs = records(join(out, 'LIID-PUB-CALLER', 'records.pb'));
    expect(sipRecordRows(recs)).toEqual(wire);
    expect(recs.every((r) => r.body === 'sipMessage')).toBe(true); // m=audio only: no RCS records
  });
});

describe.skipIf(!existsSync(MESSAGE) || !hasTshark)('ng911dev pager MESSAGE re-sent by a B2BUA with another From', () => {
  const base = mkdtempSync(join(tmpdir(), 'msrptap-b2bua-msg-'));
  const tasks = JSON.parse(readFileSync(join(PUB, 'tasks', 'ng911-message.tasks.json'), 'utf8')) as TaskFile;
  const out = join(base, 'both');
  let ran = false;
  const run = (): void => {
    if (!ran) runTo(MESSAGE, tasks, out);
    ran = true;
  };
  /** Bodies of the MESSAGE requests naming `user`, one per sender (From tag): the first observation. */
  const bodies = (wire: WireSip[], user: string): string[] => {
    const seen = new Map<string, string>();
    for (const m of wire) {
      if (!m.isRequest || expectedDirection(m, user) === null) continue;
      const text = Buffer.from(m.payloadHex, 'hex').toString('latin1');
      const from = /^From:.*$/im.exec(text)![0];
      if (!seen.has(from)) seen.set(from, text.slice(text.indexOf('\r\n\r\n') + 4));
    }
    return [...seen.values()].sort();
  };

  for (const [liid, user, messageDir] of [
    ['LIID-PUB-1', 'osp', 'fromTarget'],
    ['LIID-PUB-2', 'service', 'toTarget'],
  ] as const) {
    it(`${liid} (${user}): every SIP message naming the target, with its own direction; one rCSMessage per MESSAGE it sent or received`, () => {
      run();
      const wire = tsharkSip(MESSAGE);
      const recs = records(join(out, liid, 'records.pb'));
      expect(sipRecordRows(recs)).toEqual(wireRows(wire, user));
      const msgs = recs.filter((r) => r.body === 'message');
      expect(msgs.map((r) => Buffer.from(r.message!.content).toString('latin1')).sort()).toEqual(bodies(wire, user));
      expect(msgs.map((r) => DIR[r.direction])).toEqual(msgs.map(() => messageDir));
    });
  }

  it("the ESRP's re-sent MESSAGE (From esrp) is not the OSP's", () => {
    run();
    const recs = records(join(out, 'LIID-PUB-1', 'records.pb'));
    for (const r of recs) {
      if (r.body === 'sipMessage') expect(Buffer.from(r.sipMessage!.raw).toString('latin1')).not.toMatch(/^From:.*esrp/im);
      if (r.body === 'message') expect(Buffer.from(r.message!.content).toString('latin1')).not.toMatch(/forwarded/);
    }
  });
});

/** Public captures with their multi-task tasks files, and the scenario samples with several tasks. */
const CASES: { name: string; pcap: string; tasks: string }[] = [
  { name: 'ng911-invite-both', pcap: INVITE, tasks: join(PUB, 'tasks', 'ng911-invite-both.tasks.json') },
  { name: 'ng911-message', pcap: MESSAGE, tasks: join(PUB, 'tasks', 'ng911-message.tasks.json') },
  { name: 'heplify-ws', pcap: join(PUB, 'heplify-sip_tcp_websocket.pcap'), tasks: join(PUB, 'tasks', 'heplify-ws.tasks.json') },
  { name: 'heplify-sctp', pcap: join(PUB, 'heplify-sip_sctp.pcap'), tasks: join(PUB, 'tasks', 'heplify-sctp.tasks.json') },
  ...readdirSync(join(SAMPLES, 'tasks'))
    .filter((f) => f.endsWith('.tasks.json'))
    .filter((f) => (JSON.parse(readFileSync(join(SAMPLES, 'tasks', f), 'utf8')) as TaskFile).tasks.length > 1)
    .map((f) => ({ name: f.replace(/\.tasks\.json$/, ''), pcap: join(SAMPLES, 'pcap', f.replace(/\.tasks\.json$/, '.pcap')), tasks: join(SAMPLES, 'tasks', f) })),
];

describe("one task's records do not depend on which other tasks exist", () => {
  it('covers the public multi-task files and at least one sample', () => {
    expect(CASES.filter((c) => c.pcap.startsWith(SAMPLES)).length).toBeGreaterThanOrEqual(1);
  });

  for (const c of CASES) {
    it.skipIf(!existsSync(c.pcap))(`${c.name}: each LIID's outputs alone == together, byte for byte`, () => {
      const base = mkdtempSync(join(tmpdir(), `msrptap-alone-${c.name}-`));
      const file = JSON.parse(readFileSync(c.tasks, 'utf8')) as TaskFile;
      expect(file.tasks.length).toBeGreaterThan(1);
      runTo(c.pcap, file, join(base, 'all'));
      const together = liidOutputs(join(base, 'all'));
      let compared = 0;
      file.tasks.forEach((t, i) => {
        const out = join(base, `alone-${i}`);
        runTo(c.pcap, { ...file, tasks: [t] }, out);
        const alone = liidOutputs(out);
        // A LIID without records has no folder: then it must have none together either.
        expect(together.has(t.liid), `${t.liid} together`).toBe(alone.has(t.liid));
        const a = alone.get(t.liid);
        if (a === undefined) return;
        const b = together.get(t.liid)!;
        expect([...b.keys()]).toEqual([...a.keys()]);
        for (const [f, bytes] of a) {
          expect(b.get(f)!.equals(bytes), `${t.liid}/${f}`).toBe(true);
          compared++;
        }
      });
      if (c.name.startsWith('ng911')) expect(compared).toBeGreaterThan(0);
    });
  }
});
