/**
 * Decides which NE→ADMF reports (ETSI TS 103 221-1 clause 6.4: ReportTaskIssue,
 * ReportDestinationIssue, ReportNEIssue) the tap owes, from periodic snapshots of its state.
 * Pure: the caller (src/pipeline/x1-reporter.ts) takes the snapshots, sends the reports and
 * deactivates the tasks it is told to.
 *
 * - A task whose mediation endTime passed (wall clock) and that allows implicit deactivation is
 *   removed: ReportTaskIssue ImplicitDeactivation.
 * - A destination not `up` for DOWN_AFTER_MS: ReportDestinationIssue NonTerminatingFault (PDUs
 *   are spooled, the destination stays provisioned); `up` again after that: AllClear.
 * - A destination refusing PDUs (spool full): ReportDestinationIssue NonTerminatingFault and, for
 *   each task delivering there, ReportTaskIssue NonTerminatingFault (the task runs, PDUs are
 *   lost); at most once per REPEAT_MS per destination while it lasts.
 * - Spools above NEAR_FULL of their cap, capture drops: ReportNEIssue Warning (once per REPEAT_MS).
 * - Keepalives from the ADMF stopped (one was received, none for keepaliveTimeoutMs):
 *   ReportNEIssue FaultReport with issueCode 9050, FaultCleared when they resume.
 *
 * Report types are the XSD's (TS_103_221_01.xsd v1.22.1): destinationReportType is of type
 * TaskReportType (AllClear, Warning, NonTerminatingFault, TerminatingFault, ...), and
 * typeOfNeIssueMessage one of Warning, FaultCleared, FaultReport, Alert. What happened is told
 * in the details/description text.
 */
import { X1_ERR } from './x1-model.js';
import type { X1ReportItem } from './x1-request-encoder.js';

export const DOWN_AFTER_MS = 10_000;
export const REPEAT_MS = 60_000;
const NEAR_FULL = 0.8;

export interface MonitorSnapshot {
  readonly nowMs: number;
  readonly tasks: readonly { readonly xid: string; readonly endTime?: string; readonly implicitDeactivationAllowed?: boolean; readonly dids: readonly string[] }[];
  readonly links: readonly { readonly did: string; readonly up: boolean; readonly refusedPdus: number; readonly spooledBytes: number }[];
  readonly maxSpoolBytes?: number;
  /** Kernel/interface drops of the live capture so far. */
  readonly captureDropped?: number;
  readonly lastKeepaliveMs?: number;
  readonly keepaliveTimeoutMs: number;
}

export interface MonitorOutcome {
  readonly reports: X1ReportItem[];
  /** XIDs to remove from the provisioning state (implicit deactivation). */
  readonly deactivate: string[];
}

interface LinkMemory {
  notUpSince?: number | undefined;
  reportedDown: boolean;
  refused: number;
  lastSpoolFullReport?: number;
  nearFull: boolean;
}

/** Destinations remembered at most (one per provisioned destination is plenty). */
const MAX_LINKS = 4096;

export class X1ReportMonitor {
  private readonly links = new Map<string, LinkMemory>();
  private dropped = 0;
  private lastDropReport?: number;
  private keepaliveMissing = false;

  check(s: MonitorSnapshot): MonitorOutcome {
    const reports: X1ReportItem[] = [];
    const deactivate: string[] = [];
    for (const t of s.tasks) {
      if (t.endTime === undefined || t.implicitDeactivationAllowed !== true) continue;
      if (Date.parse(t.endTime) <= s.nowMs) {
        deactivate.push(t.xid);
        reports.push({ type: 'ReportTaskIssue', xId: t.xid, taskReportType: 'ImplicitDeactivation', details: 'endTime reached' });
      }
    }
    const seen = new Set<string>();
    for (const l of s.links) {
      seen.add(l.did);
      let m = this.links.get(l.did);
      if (m === undefined) {
        if (this.links.size >= MAX_LINKS) continue;
        m = { reportedDown: false, refused: l.refusedPdus, nearFull: false };
        this.links.set(l.did, m);
      }
      if (l.up) {
        m.notUpSince = undefined;
        if (m.reportedDown) {
          m.reportedDown = false;
          reports.push({ type: 'ReportDestinationIssue', dId: l.did, destinationReportType: 'AllClear', details: 'link to the destination is up again' });
        }
      } else {
        m.notUpSince ??= s.nowMs;
        if (!m.reportedDown && s.nowMs - m.notUpSince >= DOWN_AFTER_MS) {
          m.reportedDown = true;
          reports.push({ type: 'ReportDestinationIssue', dId: l.did, destinationReportType: 'NonTerminatingFault', details: 'link to the destination is down; PDUs are spooled' });
        }
      }
      if (l.refusedPdus > m.refused && (m.lastSpoolFullReport === undefined || s.nowMs - m.lastSpoolFullReport >= REPEAT_MS)) {
        m.lastSpoolFullReport = s.nowMs;
        reports.push({ type: 'ReportDestinationIssue', dId: l.did, destinationReportType: 'NonTerminatingFault', details: `${l.refusedPdus - m.refused} PDUs refused (spool full)` });
        for (const t of s.tasks) if (t.dids.includes(l.did)) reports.push({ type: 'ReportTaskIssue', xId: t.xid, taskReportType: 'NonTerminatingFault', errorCode: X1_ERR.generic, details: `destination ${l.did} refuses PDUs (spool full)` });
      }
      m.refused = l.refusedPdus;
      if (s.maxSpoolBytes !== undefined) {
        const fill = l.spooledBytes / s.maxSpoolBytes;
        if (!m.nearFull && fill >= NEAR_FULL) {
          m.nearFull = true;
          reports.push({ type: 'ReportNEIssue', typeOfNeIssueMessage: 'Warning', description: `spool of destination ${l.did} is ${Math.round(fill * 100)} % full` });
        } else if (m.nearFull && fill < NEAR_FULL - 0.1) m.nearFull = false;
      }
    }
    for (const did of this.links.keys()) if (!seen.has(did)) this.links.delete(did);
    if (s.captureDropped !== undefined && s.captureDropped > this.dropped) {
      if (this.lastDropReport === undefined || s.nowMs - this.lastDropReport >= REPEAT_MS) {
        this.lastDropReport = s.nowMs;
        reports.push({ type: 'ReportNEIssue', typeOfNeIssueMessage: 'Warning', description: `capture dropped ${s.captureDropped - this.dropped} packets: traffic of targets may be missing` });
        this.dropped = s.captureDropped;
      }
    }
    if (s.lastKeepaliveMs !== undefined) {
      const late = s.nowMs - s.lastKeepaliveMs > s.keepaliveTimeoutMs;
      if (late && !this.keepaliveMissing) {
        this.keepaliveMissing = true;
        reports.push({ type: 'ReportNEIssue', typeOfNeIssueMessage: 'FaultReport', description: 'keepalives from the ADMF not received', issueCode: X1_ERR.keepalivesMissing });
      } else if (!late && this.keepaliveMissing) {
        this.keepaliveMissing = false;
        reports.push({ type: 'ReportNEIssue', typeOfNeIssueMessage: 'FaultCleared', description: 'keepalives from the ADMF received again', issueCode: X1_ERR.keepalivesMissing });
      }
    }
    return { reports, deactivate };
  }
}
