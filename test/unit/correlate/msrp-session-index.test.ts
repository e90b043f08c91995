/**
 * MsrpSessionIndex with shared session-ids: which sessions a frame feeds when several dialogs'
 * SDP name the same MSRP session-ids (B2BUA legs, relays, strangers reusing an id), and the caps.
 */
import { describe, expect, it } from 'vitest';
import { msrpFrame } from '../../../samples/gen/lib/msrp-frame.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { isOwnerList, MsrpSessionIndex, type Owners } from '../../../src/correlate/msrp-session-index.js';
import { MsrpFramer, type MsrpFrameHead } from '../../../src/protocols/msrp/index.js';
import { uri } from '../../helpers/correlate-helpers.js';

/** A session as the index sees it: its Call-ID and whether it is a target's. */
interface S {
  readonly name: string;
  readonly callId: string;
  readonly target: boolean;
}

function sess(name: string, callId: string, target = false): S {
  return { name, callId, target };
}

function index(anomalies = new AnomalyCounter(), maxSessionsPerSid?: number): MsrpSessionIndex<S> {
  return new MsrpSessionIndex<S>(anomalies, {
    ...(maxSessionsPerSid !== undefined ? { maxSessionsPerSid } : {}),
    traits: { group: (s) => s.callId, preferred: (s) => s.target },
  });
}

/** The head of a SEND with these paths, as the real framer parses it. */
function head(to: string[], from: string[]): MsrpFrameHead {
  let h: MsrpFrameHead | null = null;
  const framer = new MsrpFramer({ onFrameStart: (x) => (h = x), onBody: () => {}, onRaw: () => {}, onFrameEnd: () => {} });
  framer.push(
    msrpFrame({
      transactionId: 't1',
      startLine: 'SEND',
      headers: [
        ['To-Path', to.join(' ')],
        ['From-Path', from.join(' ')],
        ['Message-ID', 'm1'],
        ['Byte-Range', '1-2/2'],
        ['Content-Type', 'text/plain'],
      ],
      body: 'hi',
      flag: '$',
    }),
    1,
    0,
    0,
  );
  if (h === null) throw new Error('test frame did not parse');
  return h;
}

function names(o: Owners<S> | undefined): string[] {
  if (o === undefined) return [];
  return isOwnerList(o) ? o.map((s) => s.name).sort() : [o.name];
}

const A = uri('10.0.0.1', 40001, 'sidA');
const B = uri('10.0.1.2', 2855, 'sidB');
const C = uri('10.0.3.3', 2855, 'sidC');
const R = uri('10.0.9.9', 2855, 'sidRelay');

describe('MsrpSessionIndex: shared session-ids', () => {
  it('one owner: the session itself, not a list; unbound ids: undefined', () => {
    const ix = index();
    const s = sess('s', 'c1');
    ix.bindSessionIds(s, ['sidA', 'sidB']);
    const o = ix.ownersOf(head([B], [A]));
    expect(isOwnerList(o!)).toBe(false);
    expect(o).toBe(s);
    expect(ix.ownersOf(head([C], [uri('10.0.0.7', 1, 'sidZ')]))).toBeUndefined();
  });

  it('legs of one Call-ID share the ids without conflict; one leg unbound, the other keeps them', () => {
    const an = new AnomalyCounter();
    const ix = index(an);
    const leg1 = sess('leg1', 'cid');
    const leg2 = sess('leg2', 'cid');
    ix.bindSessionIds(leg1, ['sidA', 'sidB']);
    ix.bindSessionIds(leg2, ['sidA', 'sidB']);
    expect(names(ix.ownersOf(head([B], [A])))).toEqual(['leg1', 'leg2']);
    expect(names(ix.ownersOf(head([A], [B])))).toEqual(['leg1', 'leg2']);
    expect(an.count('correlate.msrp_session_id_conflict')).toBe(0);
    ix.unbind(leg1, ['sidA', 'sidB'], []);
    expect(ix.ownersOf(head([B], [A]))).toBe(leg2);
    ix.unbind(leg2, ['sidA', 'sidB'], []);
    expect(ix.sizes.sids).toBe(0);
  });

  it('endpoint ids decide, relay ids do not: a leg whose path adds a relay still shares the frame', () => {
    const ix = index();
    const leg1 = sess('leg1', 'cid');
    const leg2 = sess('leg2', 'cid');
    ix.bindSessionIds(leg1, ['sidA', 'sidB']);
    ix.bindSessionIds(leg2, ['sidRelay', 'sidA', 'sidB']);
    expect(names(ix.ownersOf(head([R, B], [A])))).toEqual(['leg1', 'leg2']);
  });

  it('a relay URI used by several calls does not take their frames: the endpoints say whose frame it is', () => {
    const an = new AnomalyCounter();
    const ix = index(an);
    const call1 = sess('call1', 'c1');
    const call2 = sess('call2', 'c2');
    ix.bindSessionIds(call1, ['sidRelay', 'sidA', 'sidB']);
    ix.bindSessionIds(call2, ['sidRelay', 'sidC', 'sidD']);
    expect(an.count('correlate.msrp_session_id_conflict')).toBe(1);
    expect(names(ix.ownersOf(head([R, B], [A])))).toEqual(['call1']);
    // Only the relay's id known: the call that bound it first (as a single-owner id would).
    expect(names(ix.ownersOf(head([R, uri('10.0.0.8', 1, 'sidX')], [uri('10.0.0.9', 1, 'sidY')])))).toEqual(['call1']);
  });

  it('a leg sharing only one endpoint id (an SBC keeping its session-id on both sides) gets only its own hop', () => {
    const ix = index();
    const S1 = uri('10.0.5.5', 2855, 'sidSbc');
    const leg1 = sess('leg1', 'cid');
    const leg2 = sess('leg2', 'cid');
    ix.bindSessionIds(leg1, ['sidA', 'sidSbc']);
    ix.bindSessionIds(leg2, ['sidSbc', 'sidB']);
    expect(names(ix.ownersOf(head([S1], [A])))).toEqual(['leg1']);
    expect(names(ix.ownersOf(head([B], [S1])))).toEqual(['leg2']);
  });

  it('another Call-ID reusing an id: a conflict; each frame goes to the session knowing both its endpoints, the first bound on a tie', () => {
    const an = new AnomalyCounter();
    const ix = index(an);
    const target = sess('target', 'c1', true);
    const stranger = sess('stranger', 'c2');
    ix.bindSessionIds(target, ['sidA', 'sidB']);
    ix.bindSessionIds(stranger, ['sidA', 'sidC']);
    expect(an.count('correlate.msrp_session_id_conflict')).toBe(1);
    expect(names(ix.ownersOf(head([B], [A])))).toEqual(['target']);
    expect(names(ix.ownersOf(head([C], [A])))).toEqual(['stranger']);
    // Only the shared id known: the live session that bound it first keeps the frame.
    expect(names(ix.ownersOf(head([uri('10.0.0.8', 1, 'sidX')], [A])))).toEqual(['target']);
  });

  it('another Call-ID naming both ids of a live session gets none of its frames (either way round); once the first is unbound, it does', () => {
    for (const firstIsTarget of [true, false]) {
      const an = new AnomalyCounter();
      const ix = index(an);
      const first = sess('first', 'c1', firstIsTarget);
      const later = sess('later', 'c2', !firstIsTarget);
      ix.bindSessionIds(first, ['sidA', 'sidB']);
      ix.bindSessionIds(later, ['sidA', 'sidB']);
      expect(an.count('correlate.msrp_session_id_conflict')).toBe(2);
      expect(names(ix.ownersOf(head([B], [A])))).toEqual(['first']);
      expect(names(ix.ownersOf(head([A], [B])))).toEqual(['first']);
      // A frame mixing the ids (one endpoint each way) still goes by the first binding.
      expect(names(ix.ownersOf(head([B], [uri('10.0.0.8', 1, 'sidX')])))).toEqual(['first']);
      ix.unbind(first, ['sidA', 'sidB'], []);
      expect(ix.ownersOf(head([B], [A]))).toBe(later);
    }
  });

  it("B2BUA legs of the first Call-ID keep sharing its frames when a newer Call-ID (a target's) names the same ids", () => {
    const an = new AnomalyCounter();
    const ix = index(an);
    const leg1 = sess('leg1', 'cid');
    const leg2 = sess('leg2', 'cid');
    const other = sess('other', 'c2', true);
    ix.bindSessionIds(leg1, ['sidA', 'sidB']);
    ix.bindSessionIds(leg2, ['sidA', 'sidB']);
    ix.bindSessionIds(other, ['sidA', 'sidB']);
    expect(an.count('correlate.msrp_session_id_conflict')).toBe(2);
    expect(names(ix.ownersOf(head([B], [A])))).toEqual(['leg1', 'leg2']);
  });

  it('at most 4 sessions per id: a 5th binding drops a non-target one first (reported)', () => {
    const an = new AnomalyCounter();
    const ix = index(an);
    const legs = [sess('t0', 'cid', true), sess('n1', 'cid'), sess('t2', 'cid', true), sess('n3', 'cid'), sess('n4', 'cid')];
    for (const s of legs) ix.bindSessionIds(s, ['sidA', 'sidB']);
    expect(an.count('correlate.msrp_session_id_shared_evicted')).toBe(2);
    expect(names(ix.ownersOf(head([B], [A])))).toEqual(['n3', 'n4', 't0', 't2']);
  });

  it("a flood of later Call-IDs (targets) naming a live session's ids does not evict it: its frames stay its own", () => {
    for (const cap of [4, 1]) {
      const an = new AnomalyCounter();
      const ix = index(an, cap);
      const first = sess('first', 'c0');
      ix.bindSessionIds(first, ['sidA', 'sidB']);
      for (let i = 1; i <= 5; i++) ix.bindSessionIds(sess(`t${i}`, `c${i}`, true), ['sidA', 'sidB']);
      expect(an.count('correlate.msrp_session_id_shared_evicted')).toBeGreaterThan(0);
      expect(names(ix.ownersOf(head([B], [A])))).toEqual(['first']);
    }
    // At a cap of 1, a leg of the same call still replaces the first (its call keeps the id).
    const ix = index(new AnomalyCounter(), 1);
    ix.bindSessionIds(sess('leg1', 'cid'), ['sidA', 'sidB']);
    ix.bindSessionIds(sess('leg2', 'cid', true), ['sidA', 'sidB']);
    expect(names(ix.ownersOf(head([B], [A])))).toEqual(['leg2']);
  });

  it('a frame naming the ids of more sessions than the cap feeds at most the cap, target sessions first (reported)', () => {
    const an = new AnomalyCounter();
    const ix = index(an, 2);
    const ids = ['s1', 's2', 's3', 's4'];
    const ss = ids.map((_id, i) => sess(`x${i}`, 'one-call', i === 3));
    ss.forEach((s, i) => {
      ix.bindSessionIds(s, [ids[i]!]);
    });
    // Only relay-position ids: every session scores one.
    const h = head([...ids.map((id) => uri('10.0.0.1', 1, id)), uri('10.0.0.2', 1, 'unknownR')], [uri('10.0.0.3', 1, 'unknownS')]);
    const got = names(ix.ownersOf(h));
    expect(got).toHaveLength(2);
    expect(got).toContain('x3');
    expect(an.count('correlate.msrp_frame_fanout_capped')).toBe(1);
  });

  it("a response's transaction remembers every session of its request (a copy, not the scratch list)", () => {
    const ix = index();
    const leg1 = sess('leg1', 'cid');
    const leg2 = sess('leg2', 'cid');
    ix.bindSessionIds(leg1, ['sidA', 'sidB']);
    ix.bindSessionIds(leg2, ['sidA', 'sidB']);
    ix.rememberTransaction(1, 't1', ix.ownersOf(head([B], [A]))!, 1);
    ix.bindSessionIds(sess('other', 'c9'), ['sidC']);
    ix.ownersOf(head([C], [A]));
    expect(names(ix.takeTransaction(1, 't1'))).toEqual(['leg1', 'leg2']);
    expect(ix.takeTransaction(1, 't1')).toBeUndefined();
  });
});
