/**
 * End to end over X1 (issue 14): a tap started with no task and `-r -`; over X1 (mutual TLS)
 * CreateDestination + ActivateTask for the sample's target; then the capture on stdin. The
 * records equal those of a run with the same task in a tasks file. A restart on the same
 * --state-dir lists the task; a DeactivateTask mid-session ends its sessions with IRI `end`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTlsMaterial, type TlsMaterial } from '../../src/deliver/tls-material.js';
import { decodedRecordsJson, decodeRecordFile } from '../../src/encode/index.js';
import { postX1 } from '../../src/pipeline/x1-client.js';
import { encodeRequest, type X1RequestItem } from '../../src/x1/x1-request-encoder.js';
import { responseToJson } from '../../src/x1/x1-response-json.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { makePki, type Pki } from '../helpers/x1-pki.js';

const MAIN = join(ROOT, 'src/cli/main.ts');
const SAMPLE = join(ROOT, 'samples/pcap/chat-tcp-sip.pcap');
const TASKS = join(ROOT, 'samples/tasks/chat-tcp-sip.tasks.json');
const tasksFile = JSON.parse(readFileSync(TASKS, 'utf8')) as { tasks: [{ xid: string; liid: string; targetIdentifiers: [{ sipUri: string }] }] };
const TASK = tasksFile.tasks[0];
const DID = '0b2e7c1a-5d4f-4e7a-9c3b-1f2e3d4c5b6a';
const FILES = ['x2x3.pdu', 'hi2.ber', 'hi3.ber', 'records.pb'];
const tmp = mkdtempSync(join(tmpdir(), 'msrptap-x1-run-'));

let pki: Pki;
let admf: TlsMaterial;

interface Tap {
  p: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `run -r - --x1-listen 127.0.0.1:0 ...` and waits for its x1.listening event. */
async function startTap(stateDir: string, out: string): Promise<Tap> {
  const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', '-r', '-', '--out', out, '--x1-listen', '127.0.0.1:0', '--x1-cert', pki.neCert, '--x1-key', pki.neKey, '--x1-ca', pki.ca, '--state-dir', stateDir], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no x1.listening event: ${stderr}`)), 60_000);
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /"event":"x1\.listening"[^\n]*"port":(\d+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    void exited.then((c) => reject(new Error(`tap exited ${c}: ${stderr}`)));
  });
  return { p, url: `https://127.0.0.1:${port}/X1/NE`, stderr: () => stderr, exited };
}

async function x1(url: string, items: X1RequestItem[]): Promise<Record<string, unknown>[]> {
  const r = await postX1(url, encodeRequest('admf-1', 'ne-1', items), admf, { servername: 'localhost' });
  expect(r.status).toBe(200);
  const j = responseToJson(r.body);
  if ('error' in j) throw new Error(j.error);
  return (j.value as { x1ResponseMessage: Record<string, unknown>[] }).x1ResponseMessage;
}

const createDest: X1RequestItem = { type: 'CreateDestination', destinationDetails: { dId: DID, deliveryType: 'X2andX3', address: { kind: 'IPv4Address', value: '127.0.0.1' }, port: { kind: 'TCPPort', value: 9 } } };
const activate: X1RequestItem = {
  type: 'ActivateTask',
  taskDetails: { xId: TASK.xid, targetIdentifiers: [{ kind: 'sipUri', value: TASK.targetIdentifiers[0].sipUri }], deliveryType: 'X2andX3', listOfDIDs: [DID], listOfMediationDetails: [{ lIID: TASK.liid, deliveryType: 'HI2andHI3' }] },
};

/** The first `n` frames of the sample as a pcap, and the rest (records only). */
function split(n: number): [Buffer, Buffer] {
  const b = readFileSync(SAMPLE);
  let off = 24;
  for (let i = 0; i < n; i++) off += 16 + b.readUInt32LE(off + 8);
  return [b.subarray(0, off), b.subarray(off)];
}
function frames(): number {
  const b = readFileSync(SAMPLE);
  let n = 0;
  for (let off = 24; off < b.length; n++) off += 16 + b.readUInt32LE(off + 8);
  return n;
}

function records(dir: string): string[] {
  return decodedRecordsJson(decodeRecordFile(readFileSync(join(dir, TASK.liid, 'x2x3.pdu')))).map((r) => JSON.stringify(r));
}

describe('msrptap run provisioned over X1', () => {
  beforeAll(() => {
    pki = makePki('ne-1', 'admf-1');
    admf = loadTlsMaterial({ cert: pki.admfCert, key: pki.admfKey, ca: pki.ca }, 'test');
    expect(runCli(['--version']).status).toBe(0);
  }, 120_000);

  it('records equal a tasks-file run; a restart lists the task; DeactivateTask mid-session ends the session', async () => {
    const ref = join(tmp, 'ref');
    const r = runCli(['run', '-r', SAMPLE, '--tasks', TASKS, '--out', ref]);
    expect(r.status, r.stderr).toBe(0);

    const state = join(tmp, 'state');
    const out = join(tmp, 'x1');
    const tap = await startTap(state, out);
    try {
      const m = await x1(tap.url, [createDest, activate]);
      expect(
        m.map((x) => x.oK),
        JSON.stringify(m),
      ).toEqual(['AcknowledgedAndCompleted', 'AcknowledgedAndCompleted']);
      tap.p.stdin.end(readFileSync(SAMPLE));
      expect(await tap.exited, tap.stderr()).toBe(0);
    } finally {
      tap.p.kill('SIGKILL');
    }
    for (const f of FILES) expect(readFileSync(join(out, TASK.liid, f)).equals(readFileSync(join(ref, TASK.liid, f))), f).toBe(true);
    expect(tap.stderr()).not.toContain(TASK.targetIdentifiers[0].sipUri);
    // The custody manifest names the task provisioned over X1 as it names a tasks-file task.
    const tasksOf = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, TASK.liid, 'manifest.json'), 'utf8')) as { tasks: unknown }).tasks;
    expect(tasksOf(out)).toEqual(tasksOf(ref));

    // Restart on the same state: the task is there before any request, and listed.
    const out2 = join(tmp, 'x1-restart');
    const tap2 = await startTap(state, out2);
    try {
      const l = (await x1(tap2.url, [{ type: 'ListAllDetails' }]))[0]!;
      expect([l.ListOfXIDs, l.ListOfDIDs]).toEqual([{ xId: TASK.xid }, { dId: DID }]);
      // Half the capture, then the task is withdrawn, then the rest.
      const [head, tail] = split(Math.floor(frames() / 2));
      tap2.p.stdin.write(head);
      // The first half's records are out once the task status counts them.
      const until = Date.now() + 30_000;
      for (;;) {
        const d = (await x1(tap2.url, [{ type: 'GetTaskDetails', xId: TASK.xid }]))[0]!;
        const st = (d.taskResponseDetails as { taskStatus: { amountOfX2Data: string; amountOfX3Data: string } }).taskStatus;
        if (Number(st.amountOfX2Data) > 0 && Number(st.amountOfX3Data) > 0) break;
        if (Date.now() > until) throw new Error(`no records counted: ${tap2.stderr()}`);
        await new Promise((res) => setTimeout(res, 100));
      }
      const de = await x1(tap2.url, [{ type: 'DeactivateTask', xId: TASK.xid }]);
      expect(de.map((x) => x.oK)).toEqual(['AcknowledgedAndCompleted']);
      tap2.p.stdin.end(tail);
      expect(await tap2.exited, tap2.stderr()).toBe(0);
    } finally {
      tap2.p.kill('SIGKILL');
    }
    const full = records(ref);
    const cut = records(out2);
    expect(cut.length).toBeLessThan(full.length);
    // Up to the withdrawal the records are the full run's; then one IRI end, nothing after it.
    const last = cut.at(-1)!;
    expect(cut.slice(0, -1)).toEqual(full.slice(0, cut.length - 1));
    expect(last).toMatch(/legRemovalRequest|interception ended/);
  }, 180_000);

  it('msrptap x1 (the lab ADMF) provisions a tap and prints the responses as JSON', async () => {
    const tap = await startTap(join(tmp, 'state-cli'), join(tmp, 'cli-out'));
    const adm = (...args: string[]) => {
      const r = runCli(['x1', '--ne', tap.url.replace('/X1/NE', ''), '--cert', pki.admfCert, '--key', pki.admfKey, '--ca', pki.ca, '--ne-id', 'ne-1', ...args]);
      return { status: r.status, json: r.stdout === '' ? undefined : (JSON.parse(r.stdout) as { root: string; x1ResponseMessage: Record<string, unknown>[] }), stderr: r.stderr };
    };
    try {
      const c = adm('create-destination', '--did', DID, '--address', '127.0.0.1:9');
      expect([c.status, c.json!.x1ResponseMessage[0]!.oK], c.stderr).toEqual([0, 'AcknowledgedAndCompleted']);
      const a = adm('activate', '--xid', TASK.xid, '--target', TASK.targetIdentifiers[0].sipUri, '--liid', TASK.liid, '--did', DID);
      expect([a.status, a.json!.x1ResponseMessage[0]!.type], a.stderr).toEqual([0, 'ActivateTaskResponse']);
      const again = adm('activate', '--xid', TASK.xid, '--target', TASK.targetIdentifiers[0].sipUri, '--did', DID);
      expect([again.status, (again.json!.x1ResponseMessage[0]!.errorInformation as { errorCode: string }).errorCode]).toEqual([1, '2010']);
      const d = adm('details', TASK.xid);
      const td = (d.json!.x1ResponseMessage[0]!.taskResponseDetails as { taskDetails: { xId: string; listOfMediationDetails: { mediationDetails: { LIID: string } } } }).taskDetails;
      expect([td.xId, td.listOfMediationDetails.mediationDetails.LIID]).toEqual([TASK.xid, TASK.liid]);
      expect(adm('deactivate', TASK.xid).status).toBe(0);
      expect(adm('remove-destination', DID).status).toBe(0);
      const l = adm('list');
      expect([l.status, l.json!.x1ResponseMessage[0]!.ListOfXIDs]).toEqual([0, '']);
    } finally {
      tap.p.stdin.end();
      tap.p.kill('SIGKILL');
    }
  }, 180_000);
});
