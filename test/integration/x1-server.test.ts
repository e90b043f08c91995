/**
 * The X1 endpoint over real mutual TLS (certificates made by openssl): who may talk, HTTP-level
 * answers, durable state across a restart, and 50 concurrent requests leaving one consistent store.
 */
import { SILENT_LOGGER } from '../../src/core/log.js';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSet } from '../../src/correlate/index.js';
import { loadTlsMaterial, type TlsMaterial } from '../../src/deliver/tls-material.js';
import { postX1 } from '../../src/pipeline/x1-client.js';
import { X1Service, X1_PATH } from '../../src/pipeline/x1-server.js';
import { X1_STATE_FILE } from '../../src/pipeline/x1-state-file.js';
import { encodeRequest, type X1RequestItem } from '../../src/x1/x1-request-encoder.js';
import { responseToJson } from '../../src/x1/x1-response-json.js';
import { makePki, type Pki } from '../helpers/x1-pki.js';

let pki: Pki;
let admf: TlsMaterial;
beforeAll(() => {
  pki = makePki('ne-1', 'admf-1');
  admf = loadTlsMaterial({ cert: pki.admfCert, key: pki.admfKey, ca: pki.ca }, 'test');
});

const DID = '19867c20-8c94-473e-b9cd-8b72b7b05fd4';
const xid = (i: number): string => `29f28e1c-f230-486a-a860-${i.toString(16).padStart(12, '0')}`;
const logs: { msg: string; fields: Record<string, unknown> }[] = [];

async function start(stateDir: string, applied: TaskSet[] = []): Promise<{ svc: X1Service; url: string }> {
  const svc = new X1Service({ host: '127.0.0.1', port: 0, cert: pki.neCert, key: pki.neKey, ca: pki.ca, stateDir, destinationTls: null, log: { log: (_l, event, fields = {}) => logs.push({ msg: event, fields }), enabled: () => true } });
  svc.setTaskSink((ts) => applied.push(ts));
  const { port } = await svc.listen();
  return { svc, url: `https://127.0.0.1:${port}${X1_PATH}` };
}

function activate(i: number): X1RequestItem {
  return {
    type: 'ActivateTask',
    taskDetails: { xId: xid(i), targetIdentifiers: [{ kind: 'sipUri', value: `sip:user${i}@example.com` }], deliveryType: 'X2andX3', listOfDIDs: [DID], listOfMediationDetails: [{ lIID: `LIID-${i}`, deliveryType: 'HI2andHI3' }] },
  };
}
const createDest: X1RequestItem = { type: 'CreateDestination', destinationDetails: { dId: DID, deliveryType: 'X2andX3', address: { kind: 'IPv4Address', value: '127.0.0.1' }, port: { kind: 'TCPPort', value: 9 } } };

async function x1(url: string, items: X1RequestItem[], o: { admfId?: string; tls?: TlsMaterial } = {}) {
  const r = await postX1(url, encodeRequest(o.admfId ?? 'admf-1', 'ne-1', items), o.tls ?? admf, { servername: 'localhost' });
  expect(r.status).toBe(200);
  const j = responseToJson(r.body);
  if ('error' in j) throw new Error(j.error);
  return (j.value as { x1ResponseMessage: Record<string, unknown>[] }).x1ResponseMessage;
}
const codeOf = (m: Record<string, unknown>): string | undefined => (m.errorInformation as { errorCode?: string } | undefined)?.errorCode;

describe('X1 over mutual TLS', () => {
  let svc: X1Service;
  let url: string;
  beforeAll(async () => {
    ({ svc, url } = await start(mkdtempSync(join(tmpdir(), 'msrptap-x1-state-'))));
  });
  afterAll(async () => svc.close());

  it('answers a Ping from the ADMF whose certificate CN is the admfIdentifier; neIdentifier defaults to the CN of --x1-cert', async () => {
    expect(svc.neIdentifier).toBe('ne-1');
    const m = await x1(url, [{ type: 'Ping' }]);
    expect(m.map((x) => [x.type, x.oK])).toEqual([['PingResponse', 'AcknowledgedAndCompleted']]);
  });

  it('refuses a client certificate of another CA at the TLS handshake', async () => {
    const rogue = loadTlsMaterial({ cert: pki.rogueCert, key: pki.rogueKey, ca: pki.ca }, 'test');
    await expect(postX1(url, encodeRequest('admf-1', 'ne-1', [{ type: 'Ping' }]), rogue, { servername: 'localhost' })).rejects.toThrow(/X1/);
  });

  it('refuses a client without a certificate', async () => {
    const noCert = new Promise<string>((resolve) => {
      const req = request(url, { method: 'POST', ca: admf.ca!, servername: 'localhost', checkServerIdentity: () => undefined, agent: false }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.end('<x/>');
    });
    expect(await noCert).toMatch(/^error /);
  });

  it('1030 when admfIdentifier is not the certificate identity', async () => {
    const m = await x1(url, [{ type: 'Ping' }], { admfId: 'someone-else' });
    expect(m.map((x) => [x.type, codeOf(x)])).toEqual([['ErrorResponse', '1030']]);
  });

  it('404 for another path, 405 for another method, 413 above 1 MiB', async () => {
    const status = (method: string, path: string, body = ''): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(url.replace(X1_PATH, path), { method, cert: admf.cert, key: admf.key, ca: admf.ca!, servername: 'localhost', checkServerIdentity: () => undefined, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    expect(await status('POST', '/X1/other')).toBe(404);
    expect(await status('GET', X1_PATH)).toBe(405);
    expect(await status('POST', X1_PATH, 'x'.repeat((1 << 20) + 1))).toBe(413);
  });
});

describe('X1 state: durable, consistent', () => {
  it('keeps tasks and destinations in a 0600 file in a 0700 folder; a restarted service lists the same XIDs and DIDs', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'msrptap-x1-state-')), 'state');
    const applied: TaskSet[] = [];
    const a = await start(dir, applied);
    const m = await x1(a.url, [createDest, activate(1), activate(2)]);
    expect(m.map((x) => x.oK)).toEqual(['AcknowledgedAndCompleted', 'AcknowledgedAndCompleted', 'AcknowledgedAndCompleted']);
    // Applied to the pipeline once per request, after the state was written.
    expect(applied.length).toBe(1);
    expect(applied[0]!.tasks.map((t) => [t.xid, t.liid])).toEqual([
      [xid(1), 'LIID-1'],
      [xid(2), 'LIID-2'],
    ]);
    await a.svc.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, X1_STATE_FILE)).mode & 0o777).toBe(0o600);
    const b = await start(dir);
    try {
      expect(b.svc.initialTasks.tasks.map((t) => t.xid)).toEqual([xid(1), xid(2)]);
      const l = (await x1(b.url, [{ type: 'ListAllDetails' }]))[0]!;
      expect(l.ListOfXIDs).toEqual({ xId: [xid(1), xid(2)] });
      expect(l.ListOfDIDs).toEqual({ dId: DID });
    } finally {
      await b.svc.close();
    }
  });

  it('a change the pipeline refuses is answered 500, not stored, and the previous tasks are put back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-x1-state-'));
    const applied: TaskSet[] = [];
    const s = await start(dir, applied);
    try {
      await x1(s.url, [createDest, activate(1)]);
      s.svc.setTaskSink((ts) => {
        if (ts.tasks.some((t) => t.xid === xid(7))) throw new Error('pipeline refused');
        applied.push(ts);
      });
      const r = await postX1(s.url, encodeRequest('admf-1', 'ne-1', [activate(7)]), admf, { servername: 'localhost' });
      expect(r.status).toBe(500);
      // Put back: the last TaskSet the pipeline holds is the one before the request.
      expect(applied.at(-1)!.tasks.map((t) => t.xid)).toEqual([xid(1)]);
      expect(readFileSync(join(dir, X1_STATE_FILE), 'utf8')).not.toContain(xid(7));
      const l = (await x1(s.url, [{ type: 'ListAllDetails' }]))[0]!;
      expect(l.ListOfXIDs).toEqual({ xId: xid(1) });
    } finally {
      await s.svc.close();
    }
  });

  it('50 parallel ActivateTask/DeactivateTask requests leave store, state file and applied tasks in agreement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-x1-state-'));
    const applied: TaskSet[] = [];
    const s = await start(dir, applied);
    try {
      await x1(s.url, [createDest, ...[0, 1, 2, 3, 4].map(activate)]);
      // 25 activations of new tasks and 25 deactivations: of 5 existing tasks and 20 unknown XIDs.
      const reqs = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? [activate(100 + i)] : [{ type: 'DeactivateTask' as const, xId: xid(i < 10 ? (i - 1) / 2 : 1000 + i) }]));
      const answers = await Promise.all(reqs.map((r) => x1(s.url, r)));
      const ok = answers.filter((m) => m[0]!.oK === 'AcknowledgedAndCompleted').length;
      const unknown = answers.filter((m) => codeOf(m[0]!) === '2020').length;
      expect([ok, unknown]).toEqual([30, 20]);
      const want = Array.from({ length: 25 }, (_, i) => xid(100 + 2 * i)).sort();
      const listed = (await x1(s.url, [{ type: 'ListAllDetails' }]))[0]!.ListOfXIDs as { xId: string[] };
      expect([...listed.xId].sort()).toEqual(want);
      const onDisk = JSON.parse(readFileSync(join(dir, X1_STATE_FILE), 'utf8')) as { tasks: { details: { xId: string } }[] };
      expect(onDisk.tasks.map((t) => t.details.xId).sort()).toEqual(want);
      expect(
        applied
          .at(-1)!
          .tasks.map((t) => t.xid)
          .sort(),
      ).toEqual(want);
    } finally {
      await s.svc.close();
    }
  });

  it('a damaged state file stops the start with a ConfigError naming it, never an empty task list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-x1-state-'));
    writeFileSync(join(dir, X1_STATE_FILE), JSON.stringify({ version: 1, tasks: [{ details: { xId: 'x' } }], destinations: [] }), { mode: 0o600 });
    expect(() => new X1Service({ host: '127.0.0.1', port: 0, cert: pki.neCert, key: pki.neKey, ca: pki.ca, stateDir: dir, destinationTls: null, log: SILENT_LOGGER })).toThrow(/x1-state\.json: damaged X1 state: field tasks\[0\]/);
  });

  it('logs admfIdentifier, type, XID and result, never the target identifier', () => {
    const text = JSON.stringify(logs);
    expect(text).toContain('ActivateTask');
    expect(text).toContain(xid(1));
    expect(text).not.toMatch(/sip:user/);
  });
});

describe('NE→ADMF reports', () => {
  it('a task past its endTime is deactivated and reported to the ADMF, retried after an HTTP error', async () => {
    const { createServer } = await import('node:https');
    const bodies: string[] = [];
    let refuse = 1;
    const admfServer = createServer({ cert: readFileSync(pki.neCert), key: readFileSync(pki.neKey), ca: readFileSync(pki.ca), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        if (refuse-- > 0) {
          res.writeHead(503).end();
          return;
        }
        bodies.push(`${req.url} ${b}`);
        res.writeHead(200, { 'Content-Type': 'application/xml' }).end(
          encodeRequest('admf-1', 'ne-1', [{ type: 'Ping' }])
            .replace(/X1Request/g, 'X1Response')
            .replace(/x1RequestMessage/g, 'x1ResponseMessage')
            .replace('PingRequest', 'PingResponse'),
        );
      });
    });
    await new Promise<void>((r) => admfServer.listen(0, '127.0.0.1', r));
    const port = (admfServer.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-x1-state-'));
    const applied: TaskSet[] = [];
    const svc = new X1Service({
      host: '127.0.0.1',
      port: 0,
      cert: pki.neCert,
      key: pki.neKey,
      ca: pki.ca,
      stateDir: dir,
      destinationTls: null,
      log: SILENT_LOGGER,
      reports: { url: `https://127.0.0.1:${port}/X1/ADMF`, admfIdentifier: 'admf-1', keepaliveTimeoutMs: 60_000, periodMs: 3_600_000, retryMinMs: 50 },
    });
    svc.setTaskSink((ts) => applied.push(ts));
    const { port: nePort } = await svc.listen();
    const url = `https://127.0.0.1:${nePort}${X1_PATH}`;
    try {
      const a = activate(7);
      const ending: X1RequestItem = {
        type: 'ActivateTask',
        taskDetails: { ...(a as { taskDetails: object }).taskDetails, listOfMediationDetails: [{ lIID: 'LIID-7', deliveryType: 'HI2andHI3', endTime: '2026-12-07T12:00:00Z' }], implicitDeactivationAllowed: true } as never,
      };
      expect((await x1(url, [createDest, ending])).map((m) => m.oK)).toEqual(['AcknowledgedAndCompleted', 'AcknowledgedAndCompleted']);
      svc.monitorTick(Date.parse('2026-12-07T12:00:01Z'));
      expect(applied.at(-1)!.tasks).toEqual([]);
      expect((await x1(url, [{ type: 'ListAllDetails' }]))[0]!.ListOfXIDs).toBe('');
      const until = Date.now() + 10_000;
      while (bodies.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatch(/^\/X1\/ADMF /);
      expect(bodies[0]).toContain('ReportTaskIssueRequest');
      expect(bodies[0]).toContain(`>${xid(7)}<`);
      expect(bodies[0]).toContain('>ImplicitDeactivation<');
    } finally {
      await svc.close();
      admfServer.close();
    }
  });
});
