/** Which NE→ADMF reports the tap owes (TS 103 221-1 clause 6.4), from successive snapshots. */
import { describe, expect, it } from 'vitest';
import { DOWN_AFTER_MS, REPEAT_MS, X1ReportMonitor, type MonitorSnapshot } from '../../../src/x1/x1-report-monitor.js';

const XID = '29f28e1c-f230-486a-a860-f5a784ab9172';
const DID = '19867c20-8c94-473e-b9cd-8b72b7b05fd4';
const T0 = Date.parse('2026-12-07T12:00:00Z');
const snap = (o: Partial<MonitorSnapshot>): MonitorSnapshot => ({ nowMs: T0, tasks: [], links: [], keepaliveTimeoutMs: 60_000, ...o });
const kinds = (r: { reports: { type: string }[] }) =>
  r.reports.map((x) => [x.type, 'taskReportType' in x ? x.taskReportType : 'destinationReportType' in x ? x.destinationReportType : (x as unknown as { typeOfNeIssueMessage: string }).typeOfNeIssueMessage]);

describe('X1ReportMonitor', () => {
  it('deactivates a task at its endTime only when implicit deactivation is allowed', () => {
    const m = new X1ReportMonitor();
    const task = { xid: XID, endTime: '2026-12-07T11:59:59Z', dids: [] };
    expect(m.check(snap({ tasks: [task] })).deactivate).toEqual([]);
    const r = m.check(snap({ tasks: [{ ...task, implicitDeactivationAllowed: true }] }));
    expect(r.deactivate).toEqual([XID]);
    expect(kinds(r)).toEqual([['ReportTaskIssue', 'ImplicitDeactivation']]);
    expect(m.check(snap({ tasks: [{ ...task, endTime: '2026-12-07T12:00:01Z', implicitDeactivationAllowed: true }] })).deactivate).toEqual([]);
  });

  it('reports a destination down after DOWN_AFTER_MS (NonTerminatingFault), and recovered (AllClear)', () => {
    const m = new X1ReportMonitor();
    const link = (up: boolean) => ({ did: DID, up, refusedPdus: 0, spooledBytes: 0 });
    expect(kinds(m.check(snap({ links: [link(false)] })))).toEqual([]);
    expect(kinds(m.check(snap({ nowMs: T0 + DOWN_AFTER_MS, links: [link(false)] })))).toEqual([['ReportDestinationIssue', 'NonTerminatingFault']]);
    expect(kinds(m.check(snap({ nowMs: T0 + DOWN_AFTER_MS + 1, links: [link(false)] })))).toEqual([]);
    expect(kinds(m.check(snap({ nowMs: T0 + DOWN_AFTER_MS + 2, links: [link(true)] })))).toEqual([['ReportDestinationIssue', 'AllClear']]);
  });

  it('a destination refusing PDUs: NonTerminatingFault for it and for its tasks, at most once per REPEAT_MS', () => {
    const m = new X1ReportMonitor();
    const tasks = [{ xid: XID, dids: [DID] }];
    const link = (refusedPdus: number) => ({ did: DID, up: true, refusedPdus, spooledBytes: 0 });
    m.check(snap({ tasks, links: [link(0)] }));
    expect(kinds(m.check(snap({ tasks, links: [link(3)] })))).toEqual([
      ['ReportDestinationIssue', 'NonTerminatingFault'],
      ['ReportTaskIssue', 'NonTerminatingFault'],
    ]);
    expect(kinds(m.check(snap({ nowMs: T0 + 1, tasks, links: [link(5)] })))).toEqual([]);
    expect(kinds(m.check(snap({ nowMs: T0 + REPEAT_MS, tasks, links: [link(7)] })))).toEqual([
      ['ReportDestinationIssue', 'NonTerminatingFault'],
      ['ReportTaskIssue', 'NonTerminatingFault'],
    ]);
  });

  it('NE issues: spool near full, capture drops, keepalives stopped (9050) and resumed', () => {
    const m = new X1ReportMonitor();
    expect(kinds(m.check(snap({ links: [{ did: DID, up: true, refusedPdus: 0, spooledBytes: 850 }], maxSpoolBytes: 1000 })))).toEqual([['ReportNEIssue', 'Warning']]);
    expect(kinds(m.check(snap({ captureDropped: 4 })))).toEqual([['ReportNEIssue', 'Warning']]);
    expect(kinds(m.check(snap({ lastKeepaliveMs: T0 - 30_000 })))).toEqual([]);
    const late = m.check(snap({ lastKeepaliveMs: T0 - 61_000 }));
    expect(late.reports).toEqual([expect.objectContaining({ type: 'ReportNEIssue', typeOfNeIssueMessage: 'FaultReport', issueCode: 9050 })]);
    expect(kinds(m.check(snap({ lastKeepaliveMs: T0 })))).toEqual([['ReportNEIssue', 'FaultCleared']]);
  });
});
