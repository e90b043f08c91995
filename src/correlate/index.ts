/** Correlation: SIP dialogs, MSRP session binding, target matching, LI record emission, audit. */
export { Correlator, type CorrelatorOptions } from './correlator.js';
export { parseTasksFile, parseTasksText, tasksFileSchema, type TaskSet, type Task, type TargetId, type TargetIdKind, type Destination } from './tasks-file.js';
export { TargetMatcher, sipRequestIdentities, observedKeys, type TaskMatch, type ObservedIdentity, type IdentitySource } from './target-matcher.js';
export { DialogTracker, Dialog, type DialogTrackerOptions, type DialogState, type Side, type SipObservation } from './dialog-tracker.js';
export { MsrpSessionIndex, frameSessionIds, lastSessionId } from './msrp-session-index.js';
export { partySdpOf, endpointKey, type PartySdp, type MsrpMediaInfo } from './party-sdp.js';
export { CpimInnerStream, type CpimInnerStreamOptions } from './cpim-inner-stream.js';
export { MessageTracker, mediaTypeOf } from './message-tracker.js';
export { correlationIdOf } from './correlation-id.js';
export { MemoryAuditStore, type AuditStore, type AuditGroup } from './audit-store.js';
export { ReportTally, type AuditReport, type AuditSession, type AuditMessage, type AuditFile } from './audit-report.js';
