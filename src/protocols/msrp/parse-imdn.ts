/**
 * IMDN documents (RFC 5438 section 7.2.1, schema in section 9), Content-Type
 * message/imdn+xml, usually inside message/cpim:
 *
 *   <imdn xmlns="urn:ietf:params:xml:ns:imdn">
 *     <message-id>...</message-id> <datetime>...</datetime>
 *     [<recipient-uri>] [<original-recipient-uri>] [<subject>]
 *     ( <delivery-notification> | <display-notification> | <processing-notification> )
 *       <status> <delivered/> | <failed/> | <forbidden/> | <error/> | <displayed/> | <processed/> | <stored/> </status>
 *   </imdn>
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { parseXml, xmlChild, type XmlElement, type XmlLimits } from './xml-scan.js';

export const IMDN_XML_NS = 'urn:ietf:params:xml:ns:imdn';

export type ImdnNotificationType = 'delivery' | 'display' | 'processing';
export type ImdnStatus = 'delivered' | 'failed' | 'forbidden' | 'error' | 'displayed' | 'processed' | 'stored';

/** Statuses each notification type allows (RFC 5438 section 9). */
const ALLOWED: Record<ImdnNotificationType, readonly ImdnStatus[]> = {
  delivery: ['delivered', 'failed', 'forbidden', 'error'],
  display: ['displayed', 'forbidden', 'error'],
  processing: ['processed', 'stored', 'forbidden', 'error'],
};

/** A parsed IMDN. All strings are copies. */
export interface ImdnDocument {
  /** The imdn.Message-ID of the message this notification is about. */
  readonly messageId: string;
  readonly dateTime: string;
  readonly recipientUri: string | null;
  readonly originalRecipientUri: string | null;
  readonly subject: string | null;
  readonly notification: ImdnNotificationType;
  /** null when the status element is absent or holds a value not allowed for the type. */
  readonly status: ImdnStatus | null;
}

/**
 * Parses an IMDN XML document.
 *
 * @returns the document, or null with an `imdn.*` anomaly when it is not well-formed, not an IMDN,
 *   or lacks message-id, datetime or a notification element.
 */
export function parseImdn(xml: Uint8Array, anomalies?: AnomalySink, frameNo?: number, limits?: XmlLimits): ImdnDocument | null {
  const r = parseXml(xml, limits);
  if ('error' in r) {
    anomalies?.report('imdn.bad_xml', frameNo, `reason=${r.error}`);
    return null;
  }
  const root = r.root;
  if (root.ns !== IMDN_XML_NS || root.name !== 'imdn') {
    anomalies?.report('imdn.not_imdn', frameNo);
    return null;
  }
  const text = (name: string): string | null => {
    const el = xmlChild(root, IMDN_XML_NS, name);
    return el === undefined ? null : el.text.trim();
  };
  const messageId = text('message-id');
  const dateTime = text('datetime');
  let notification: ImdnNotificationType | null = null;
  let statusEl: XmlElement | undefined;
  for (const t of ['delivery', 'display', 'processing'] as const) {
    const el = xmlChild(root, IMDN_XML_NS, `${t}-notification`);
    if (el !== undefined) {
      notification = t;
      statusEl = xmlChild(el, IMDN_XML_NS, 'status');
      break;
    }
  }
  const missing = messageId === null || messageId === '' ? 'message-id' : dateTime === null || dateTime === '' ? 'datetime' : notification === null ? 'notification' : null;
  if (missing !== null || messageId === null || dateTime === null || notification === null) {
    anomalies?.report('imdn.missing_element', frameNo, `element=${missing ?? 'unknown'}`);
    return null;
  }
  let status: ImdnStatus | null = null;
  const value = statusEl?.children.find((c) => c.ns === IMDN_XML_NS)?.name;
  if (value !== undefined && (ALLOWED[notification] as readonly string[]).includes(value)) status = value as ImdnStatus;
  else anomalies?.report('imdn.unknown_status', frameNo, `notification=${notification}`);
  return {
    messageId,
    dateTime,
    recipientUri: text('recipient-uri'),
    originalRecipientUri: text('original-recipient-uri'),
    subject: text('subject'),
    notification,
    status,
  };
}
