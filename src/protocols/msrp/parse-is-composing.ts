/**
 * isComposing documents (RFC 3994 section 3 and the schema in section 4), Content-Type
 * application/im-iscomposing+xml:
 *
 *   <isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">
 *     <state>active|idle</state> [<lastactive>dateTime</lastactive>]
 *     [<contenttype>media type</contenttype>] [<refresh>positive integer</refresh>]
 *   </isComposing>
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { parseXml, xmlChild, type XmlLimits } from './xml-scan.js';

export const ISCOMPOSING_NS = 'urn:ietf:params:xml:ns:im-iscomposing';

/** A parsed isComposing status message. */
export interface IsComposing {
  readonly state: 'active' | 'idle';
  readonly lastActive: string | null;
  readonly contentType: string | null;
  /** Seconds until the active state expires without a refresh (section 3.2), or null. */
  readonly refresh: number | null;
}

/**
 * Parses an isComposing XML document.
 *
 * @returns the document, or null with an `iscomposing.*` anomaly.
 */
export function parseIsComposing(xml: Uint8Array, anomalies?: AnomalySink, frameNo?: number, limits?: XmlLimits): IsComposing | null {
  const r = parseXml(xml, limits);
  if ('error' in r) {
    anomalies?.report('iscomposing.bad_xml', frameNo, `reason=${r.error}`);
    return null;
  }
  const root = r.root;
  if (root.ns !== ISCOMPOSING_NS || root.name !== 'isComposing') {
    anomalies?.report('iscomposing.invalid', frameNo, 'element=isComposing');
    return null;
  }
  const text = (name: string): string | null => {
    const el = xmlChild(root, ISCOMPOSING_NS, name);
    return el === undefined ? null : el.text.trim();
  };
  const state = text('state');
  if (state !== 'active' && state !== 'idle') {
    anomalies?.report('iscomposing.invalid', frameNo, 'element=state');
    return null;
  }
  const refreshText = text('refresh');
  let refresh: number | null = null;
  if (refreshText !== null) {
    // xs:positiveInteger
    if (!/^[0-9]{1,9}$/.test(refreshText) || Number(refreshText) === 0) {
      anomalies?.report('iscomposing.invalid', frameNo, 'element=refresh');
      return null;
    }
    refresh = Number(refreshText);
  }
  return { state, lastActive: text('lastactive'), contentType: text('contenttype'), refresh };
}
