/**
 * Builds `X1Request` documents (ETSI TS 103 221-1 clause 6) for the lab ADMF (`msrptap x1`) and
 * tests: one container, one `x1RequestMessage` per item, each with a fresh x1TransactionId.
 */
import { randomUUID } from 'node:crypto';
import { addMessage, encodeDestinationDetails, encodeTaskDetails } from './x1-encoder.js';
import type { X1DestinationDetails, X1RequestType, X1TaskDetails } from './x1-model.js';
import { XmlBuilder } from './x1-xml.js';

export type X1RequestItem =
  | { readonly type: 'ActivateTask' | 'ModifyTask'; readonly taskDetails: X1TaskDetails }
  | { readonly type: 'DeactivateTask' | 'GetTaskDetails'; readonly xId: string }
  | { readonly type: 'CreateDestination' | 'ModifyDestination'; readonly destinationDetails: X1DestinationDetails }
  | { readonly type: 'RemoveDestination' | 'GetDestinationDetails'; readonly dId: string }
  | { readonly type: Exclude<X1RequestType, 'ActivateTask' | 'ModifyTask' | 'DeactivateTask' | 'GetTaskDetails' | 'CreateDestination' | 'ModifyDestination' | 'RemoveDestination' | 'GetDestinationDetails'> };

export function encodeRequest(admfIdentifier: string, neIdentifier: string, items: readonly X1RequestItem[], now = new Date(), newId: () => string = randomUUID): string {
  const b = new XmlBuilder('X1Request');
  for (const it of items) {
    const m = addMessage(b, 'x1RequestMessage', `${it.type}Request`, { admfIdentifier, neIdentifier, x1TransactionId: newId() }, now);
    if ('taskDetails' in it) encodeTaskDetails(b, m, it.taskDetails);
    else if ('destinationDetails' in it) encodeDestinationDetails(b, m, it.destinationDetails);
    else if ('xId' in it) b.add(m, 'xId', it.xId);
    else if ('dId' in it) b.add(m, 'dId', it.dId);
  }
  return b.toString();
}
