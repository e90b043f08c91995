import { describe, expect, it } from 'vitest';
import { sipMessage } from '../../../samples/gen/lib/sip-message.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { TargetMatcher } from '../../../src/correlate/target-matcher.js';
import { parseSipMessage } from '../../../src/protocols/sip/index.js';
import { tasksJson, T0, XID_A, XID_B } from '../../helpers/correlate-helpers.js';

function matcher(ids: Record<string, string>[], window: { startTime?: string; endTime?: string } = {}): TargetMatcher {
  return new TargetMatcher(parseTasksFile(tasksJson([{ ids, ...window }]), 'tasks.json').tasks);
}

function invite(h: { from: string; to: string; ruri?: string; pai?: string; ppi?: string; auth?: string }) {
  const bytes = sipMessage(`INVITE ${h.ruri ?? h.to} SIP/2.0`, [
    ['Via', 'SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1'],
    ['From', `"Display" <${h.from}>;tag=1`],
    ['To', h.to],
    ['Call-ID', 'c1'],
    ['CSeq', '1 INVITE'],
    ...(h.pai !== undefined ? [['P-Asserted-Identity', h.pai] as [string, string]] : []),
    ...(h.ppi !== undefined ? [['P-Preferred-Identity', h.ppi] as [string, string]] : []),
    ...(h.auth !== undefined ? [['Authorization', h.auth] as [string, string]] : []),
  ]);
  return parseSipMessage(bytes, new AnomalyCounter())!;
}

const OTHER = 'sip:nobody@other.example';

describe('TargetMatcher', () => {
  it.each([
    ['From, sip URI case/params', { sipUri: 'sip:alice@IMS.example.com' }, { from: 'sip:alice@ims.example.com;transport=tcp', to: OTHER }, 'from', 'originating'],
    ['To', { sipUri: 'sip:bob@ims.example.com' }, { from: OTHER, to: '<sip:bob@ims.example.com>' }, 'to', 'terminating'],
    ['P-Asserted-Identity (tel) for a From that is anonymous', { telUri: 'tel:+4915112345678' }, { from: 'sip:anonymous@anonymous.invalid', to: OTHER, pai: '<sip:x@y>, <tel:+49-151-1234-5678>' }, 'pai', 'originating'],
    ['P-Preferred-Identity', { sipUri: 'sip:carol@x.org' }, { from: OTHER, to: OTHER, ppi: '<sip:carol@x.org>' }, 'ppi', 'originating'],
    ['tel URI vs sip user=phone', { telUri: 'tel:+4915112345678' }, { from: OTHER, to: '<sip:+4915112345678@ims.example.com;user=phone>' }, 'to', 'terminating'],
    ['tel URI vs sip number without user=phone', { telUri: 'tel:+4915112345678' }, { from: 'sip:+4915112345678@ims.example.com', to: OTHER }, 'from', 'originating'],
    ['e164 vs tel', { e164: '4915112345678' }, { from: OTHER, to: '<tel:+4915112345678>' }, 'to', 'terminating'],
    ['Request-URI only', { sipUri: 'sip:dave@x.org' }, { from: OTHER, to: OTHER, ruri: 'sip:dave@x.org' }, 'requestUri', 'terminating'],
    ['impi vs sip URI user@host, case-insensitive', { impi: 'Eve@IMS.Example.com' }, { from: 'sip:eve@ims.example.com', to: OTHER }, 'from', 'originating'],
    [
      'impi via Authorization username',
      { impi: 'eve.private@ims.example.com' },
      { from: OTHER, to: OTHER, auth: 'Digest username="eve.private@ims.example.com", realm="ims.example.com", uri="sip:x", nonce="", response=""' },
      'authorization',
      'originating',
    ],
  ])('%s', (_n, id, h, source, role) => {
    const m = matcher([id]).matchSipRequest(invite(h), T0);
    expect(m).toHaveLength(1);
    expect(m[0]!.source).toBe(source);
    expect(m[0]!.role).toBe(role);
    expect(m[0]!.identifier.value).toBe(Object.values(id)[0]);
  });

  it.each([
    ['other user', { sipUri: 'sip:alice@ims.example.com' }, { from: 'sip:alicia@ims.example.com', to: OTHER }],
    ['other host', { sipUri: 'sip:alice@ims.example.com' }, { from: 'sip:alice@other.example.com', to: OTHER }],
    ['user part is case-sensitive', { sipUri: 'sip:alice@ims.example.com' }, { from: 'sip:Alice@ims.example.com', to: OTHER }],
    ['number prefix', { e164: '491511234567' }, { from: 'tel:+4915112345678', to: OTHER }],
    ['sip target does not match a tel number', { sipUri: 'sip:4915112345678@ims.example.com' }, { from: 'tel:+4915112345678', to: OTHER }],
  ])('no match: %s', (_n, id, h) => {
    expect(matcher([id]).matchSipRequest(invite(h), T0)).toEqual([]);
  });

  it('originating wins when the target is on both sides', () => {
    const m = matcher([{ sipUri: 'sip:a@x' }]).matchSipRequest(invite({ from: 'sip:a@x', to: '<sip:a@x>' }), T0);
    expect(m.map((x) => x.role)).toEqual(['originating']);
  });

  it('applies the task time window to capture time', () => {
    const mm = matcher([{ sipUri: 'sip:a@x' }], { startTime: new Date((T0 + 10) * 1000).toISOString(), endTime: new Date((T0 + 20) * 1000).toISOString() });
    const msg = invite({ from: 'sip:a@x', to: OTHER });
    expect(mm.matchSipRequest(msg, T0 + 9.999)).toEqual([]);
    expect(mm.matchSipRequest(msg, T0 + 10)).toHaveLength(1);
    expect(mm.matchSipRequest(msg, T0 + 19.5)).toHaveLength(1);
    expect(mm.matchSipRequest(msg, T0 + 20)).toEqual([]);
  });

  it('returns one match per task, several tasks for one message', () => {
    const m = new TargetMatcher(parseTasksFile(tasksJson([{ ids: [{ sipUri: 'sip:a@x' }, { telUri: 'tel:+491' }] }, { ids: [{ sipUri: 'sip:b@x' }] }]), 't').tasks);
    const r = m.matchSipRequest(invite({ from: 'sip:a@x', to: '<sip:b@x>', pai: '<tel:+491>' }), T0);
    expect(r.map((x) => [x.task.xid, x.source, x.identifier.value])).toEqual([
      [XID_A, 'pai', 'tel:+491'],
      [XID_B, 'to', 'sip:b@x'],
    ]);
  });

  it('matches CPIM From / To', () => {
    const m = matcher([{ sipUri: 'sip:a@x' }]);
    expect(m.matchCpim('sip:a@x', [], T0)[0]!.source).toBe('cpimFrom');
    expect(m.matchCpim('im:someone@y', ['sip:a@x'], T0)[0]!.source).toBe('cpimTo');
    expect(m.matchCpim('sip:b@x', ['sip:c@x'], T0)).toEqual([]);
  });
});
