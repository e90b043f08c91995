/**
 * Builds `X1Request` documents (ETSI TS 103 221-1 clause 6) for the lab ADMF (`msrptap x1`) and
 * tests: one container, one `x1RequestMessage` per item, each with a fresh x1TransactionId.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { addMessage, encodeDestinationDetails, encodeTaskDetails } from './x1-encoder.js';
import type { NeIssueType, TaskReportType, X1DestinationDetails, X1RequestType, X1TaskDetails } from './x1-model.js';
import { XmlBuilder } from './x1-xml.js';

export type X1RequestItem =
  | { readonly type: 'ActivateTask' | 'ModifyTask'; readonly taskDetails: X1TaskDetails }
  | { readonly type: 'DeactivateTask' | 'GetTaskDetails'; readonly xId: string }
  | { readonly type: 'CreateDestination' | 'ModifyDestination'; readonly destinationDetails: X1DestinationDetails }
  | { readonly type: 'RemoveDestination' | 'GetDestinationDetails'; readonly dId: string }
  | X1ReportItem
  | { readonly type: Exclude<X1RequestType, 'ActivateTask' | 'ModifyTask' | 'DeactivateTask' | 'GetTaskDetails' | 'CreateDestination' | 'ModifyDestination' | 'RemoveDestination' | 'GetDestinationDetails'> };

/**
 * NE→ADMF reports (TS 103 221-1 clause 6.5: the NE is the client, the ADMF the server). Bodies
 * and values as TS_103_221_01.xsd v1.22.1 defines them: ReportTaskIssueRequest {xId,
 * taskReportType, taskIssueErrorCode?, taskIssueDetails?}; ReportDestinationIssueRequest {dId,
 * destinationReportType (of type TaskReportType), destinationIssueErrorCode?,
 * destinationIssueDetails?}; ReportNEIssueRequest {typeOfNeIssueMessage, description (mandatory),
 * issueCode?}.
 */
export type X1ReportItem =
  | { readonly type: 'ReportTaskIssue'; readonly xId: string; readonly taskReportType: TaskReportType; readonly errorCode?: number; readonly details?: string }
  | { readonly type: 'ReportDestinationIssue'; readonly dId: string; readonly destinationReportType: TaskReportType; readonly errorCode?: number; readonly details?: string }
  | { readonly type: 'ReportNEIssue'; readonly typeOfNeIssueMessage: NeIssueType; readonly description: string; readonly issueCode?: number };

function encodeReport(b: XmlBuilder, m: Element, it: X1ReportItem): void {
  if (it.type === 'ReportTaskIssue') {
    b.add(m, 'xId', it.xId);
    b.add(m, 'taskReportType', it.taskReportType);
    if (it.errorCode !== undefined) b.add(m, 'taskIssueErrorCode', String(it.errorCode));
    if (it.details !== undefined) b.add(m, 'taskIssueDetails', it.details);
  } else if (it.type === 'ReportDestinationIssue') {
    b.add(m, 'dId', it.dId);
    b.add(m, 'destinationReportType', it.destinationReportType);
    if (it.errorCode !== undefined) b.add(m, 'destinationIssueErrorCode', String(it.errorCode));
    if (it.details !== undefined) b.add(m, 'destinationIssueDetails', it.details);
  } else {
    b.add(m, 'typeOfNeIssueMessage', it.typeOfNeIssueMessage);
    b.add(m, 'description', it.description);
    if (it.issueCode !== undefined) b.add(m, 'issueCode', String(it.issueCode));
  }
}

export function encodeRequest(admfIdentifier: string, neIdentifier: string, items: readonly X1RequestItem[], now = new Date(), newId: () => string = randomUUID): string {
  const b = new XmlBuilder('X1Request');
  for (const it of items) {
    const m = addMessage(b, 'x1RequestMessage', `${it.type}Request`, { admfIdentifier, neIdentifier, x1TransactionId: newId() }, now);
    if ('taskDetails' in it) encodeTaskDetails(b, m, it.taskDetails);
    else if ('destinationDetails' in it) encodeDestinationDetails(b, m, it.destinationDetails);
    else if (it.type === 'ReportTaskIssue' || it.type === 'ReportDestinationIssue' || it.type === 'ReportNEIssue') encodeReport(b, m, it);
    else if ('xId' in it) b.add(m, 'xId', it.xId);
    else if ('dId' in it) b.add(m, 'dId', it.dId);
  }
  return b.toString();
}
