/**
 * Finished sessions' audit entries leave the correlator for an AuditStore during the run
 * (src/correlate/audit-store.ts): the report is the same as when everything stays live, in
 * order of first appearance whatever the order sessions end in.
 */
import { describe, expect, it } from 'vitest';
import { MemoryAuditStore, mergeByOrder, type AuditGroup, type AuditStore } from '../../../src/correlate/audit-store.js';
import { msrpFrame } from '../../../samples/gen/lib/index.js';
import { cpim, Harness, msrpSdp, ok, PCSCF, send, TestCall, UE_A, uri } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';

/** A store that records what it was given and when (groups are kept, like MemoryAuditStore). */
class SpyStore implements AuditStore {
  readonly inner = new MemoryAuditStore();
  readonly added: AuditGroup[] = [];
  constructor(readonly keepsDetails: boolean) {}
  add(g: AuditGroup): void {
    this.added.push(g);
    this.inner.add(g);
  }
  ordered(uncorrelated: boolean): Iterable<AuditGroup> {
    return this.inner.ordered(uncorrelated);
  }
}

/** Call `n`: Alice ↔ peer n, its own MSRP endpoints and connection. */
function call(h: Harness, n: number) {
  const peer = `sip:peer${n}@ims.example.com`;
  const a = { ip: '10.0.0.1', port: 40000 + n };
  const b = { ip: `10.0.2.${n}`, port: 2855 };
  const aUri = uri(a.ip, a.port, `sa${n}`);
  const bUri = uri(b.ip, b.port, `sb${n}`);
  const c = new TestCall({ callId: `call-${n}@x`, from: ALICE, to: peer, pai: ALICE });
  return {
    setUp(): void {
      h.sip(c.request(msrpSdp({ ...a, path: [aUri] })), UE_A, PCSCF);
      h.sip(c.response(200, { toTag: 't', sdp: msrpSdp({ ...b, path: [bUri] }) }), PCSCF, UE_A);
      h.sip(c.inDialog('ACK', 1, 't'), UE_A, PCSCF);
      const conn = h.conn(n, a, b);
      conn.push(0, send({ to: [bUri], from: [aUri], mid: `m${n}`, body: cpim(ALICE, peer, `text ${n}`), tid: `t${n}` }));
      conn.push(1, ok(`t${n}`, aUri, bUri));
    },
    tearDown(): void {
      h.sip(c.inDialog('BYE', 2, 't'), UE_A, PCSCF);
      h.sip(c.inDialogResponse(200, 'BYE', 2, 't'), PCSCF, UE_A);
    },
  };
}

/** Three calls; call 2 ends first, then 3, then 1 (each BYE followed by `gap` seconds). */
function scenario(h: Harness, gap: number): void {
  const c = [1, 2, 3].map((n) => call(h, n));
  for (const x of c) x.setUp();
  for (const i of [1, 2, 0]) {
    c[i]!.tearDown();
    h.wait(gap);
  }
}

describe('Correlator with an AuditStore', () => {
  it('hands a finished session to the store during the run, and reports in order of first appearance', () => {
    const ref = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    scenario(ref, 40);
    ref.finish();
    const spy = new SpyStore(false);
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { auditStore: spy, auditDetails: false });
    const c = [1, 2, 3].map((n) => call(h, n));
    for (const x of c) x.setUp();
    c[1]!.tearDown();
    h.wait(40);
    // Call 2 left the tables (BYE + linger) and its audit went to the store, without details.
    expect(spy.added.map((g) => g.entries[0]!.callId)).toEqual(['call-2@x']);
    expect(spy.added[0]!.details).toBeNull();
    // A report taken now merges the stored group with the live sessions, by order.
    expect(h.correlator.auditReport().sessions.map((s) => s.callId)).toEqual(['call-1@x', 'call-2@x', 'call-3@x']);
    c[2]!.tearDown();
    h.wait(40);
    c[0]!.tearDown();
    h.wait(40);
    h.finish();
    expect(spy.added.map((g) => g.entries[0]!.callId)).toEqual(['call-2@x', 'call-3@x', 'call-1@x']);
    expect(h.correlator.auditReport()).toEqual(ref.correlator.auditReport());
    expect([...h.correlator.auditEntries(false)]).toEqual(ref.correlator.auditReport().sessions);
  });

  it('sessions still in the table at the end are stored by finish(); the report is unchanged', () => {
    const ref = new Harness([{ ids: [{ sipUri: ALICE }] }]);
    scenario(ref, 0);
    ref.finish();
    const spy = new SpyStore(true);
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { auditStore: spy });
    scenario(h, 0);
    expect(spy.added).toEqual([]);
    h.finish();
    expect(spy.added.length).toBe(3);
    expect(h.correlator.auditWithDetails()).toEqual(ref.correlator.auditWithDetails());
  });

  it('a frame begun before the session left the table still counts when it ends (the session waits for it)', () => {
    const spy = new SpyStore(true);
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { auditStore: spy });
    const c = call(h, 1);
    c.setUp();
    const conn = h.conn(9, { ip: '10.0.0.1', port: 40001 }, { ip: '10.0.2.1', port: 2855 });
    // A SEND without Message-ID (no message is opened, so nothing keeps the session in the
    // table) whose end-line comes only after the dialog has ended and lingered out.
    const aUri = uri('10.0.0.1', 40001, 'sa1');
    const bUri = uri('10.0.2.1', 2855, 'sb1');
    const late = msrpFrame({
      transactionId: 'tlate',
      startLine: 'SEND',
      headers: [
        ['To-Path', bUri],
        ['From-Path', aUri],
        ['Byte-Range', '1-300/300'],
        ['Content-Type', 'text/plain'],
      ],
      body: 'x'.repeat(300),
    });
    conn.push(0, late.subarray(0, 200));
    c.tearDown();
    h.wait(40);
    expect(spy.added).toEqual([]); // held back: its frame is still open
    conn.push(0, late.subarray(200));
    const lastFrame = h.nextFrame() - 1;
    h.wait(1);
    expect(spy.added.length).toBe(1);
    const arrow = spy.added[0]!.details![0]!.ladder.find((e) => e.detail?.includes('tlate'));
    expect(arrow?.lastFrame).toBe(lastFrame);
  });

  it('auditWithDetails refuses a store that keeps no details (rather than inventing them)', () => {
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { auditStore: new SpyStore(false) });
    scenario(h, 40);
    h.finish();
    expect(() => h.correlator.auditWithDetails()).toThrow(/keeps no details/);
    expect(h.correlator.auditReport().sessions.length).toBe(3);
  });
});

describe('Correlator with an AuditStore: sessions without SIP', () => {
  const A = uri('10.0.0.1', 40001, 'sidA');
  const B = uri('10.0.1.2', 2855, 'sidB');
  /** MSRP only: a CPIM From names the target; the returned function ends the connection's directions. */
  function noSip(h: Harness): () => void {
    const conn = h.conn(7, { ip: '10.0.0.1', port: 40001 }, { ip: '10.0.1.2', port: 2855 });
    conn.push(0, send({ to: [B], from: [A], mid: 'u1', body: cpim(ALICE, 'sip:bob@x', 'no SIP here'), tid: 'tx-u1' }));
    conn.push(1, ok('tx-u1', A, B));
    conn.end();
    const endStreams = (): void => {
      for (const hd of conn.handlers) hd.onStreamEnd?.('fin');
    };
    return endStreams;
  }

  it('is stored once it has left the table AND its connection has ended', () => {
    for (const order of ['connection first', 'idle close first'] as const) {
      const ref = new Harness([{ ids: [{ sipUri: ALICE }] }]);
      const endRef = noSip(ref);
      ref.wait(310);
      endRef();
      ref.finish();
      const spy = new SpyStore(false);
      const h = new Harness([{ ids: [{ sipUri: ALICE }] }], { auditStore: spy, auditDetails: false });
      const end = noSip(h);
      if (order === 'connection first') {
        end();
        h.wait(2);
        expect(spy.added, order).toEqual([]); // still in the table (idle close after 300 s)
        h.wait(310);
      } else {
        h.wait(310);
        expect(spy.added, order).toEqual([]); // closed, but its connection may still move its end
        end();
        h.wait(1);
      }
      expect(
        spy.added.map((g) => [g.uncorrelated, g.entries[0]!.msrpSessionIds]),
        order,
      ).toEqual([[true, ['sidB', 'sidA']]]);
      h.finish();
      expect(spy.added.length, order).toBe(1);
      expect(h.correlator.auditReport(), order).toEqual(ref.correlator.auditReport());
    }
  });
});

describe('MemoryAuditStore and mergeByOrder', () => {
  const g = (order: number, uncorrelated = false): AuditGroup => ({ order, uncorrelated, entries: [], details: null });

  it('yields one list at a time, sorted by order whatever the order of add()', () => {
    const s = new MemoryAuditStore();
    for (const [o, u] of [
      [5, false],
      [1, true],
      [3, false],
      [0, false],
      [2, true],
    ] as const)
      s.add(g(o, u));
    expect([...s.ordered(false)].map((x) => x.order)).toEqual([0, 3, 5]);
    expect([...s.ordered(true)].map((x) => x.order)).toEqual([1, 2]);
    s.add(g(4));
    expect([...s.ordered(false)].map((x) => x.order)).toEqual([0, 3, 4, 5]);
  });

  it('merges two sorted sequences into one sorted sequence (random cases)', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 200; k++) {
      const all = Array.from({ length: rnd(20) }, (_, i) => i * 2 + rnd(2));
      const a = all.filter(() => rnd(2) === 0);
      const b = all.filter((x) => !a.includes(x));
      const merged = [
        ...mergeByOrder(
          a.map((o) => g(o)),
          b.map((o) => g(o)),
        ),
      ].map((x) => x.order);
      expect(merged).toEqual([...all].sort((x, y) => x - y));
    }
  });
});
