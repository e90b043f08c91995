/**
 * One 33.128 event encoding per IRI record, shared by X2 and HI2 (issue 13 direction 2): the X2
 * payload (XIRIPayload, TS 33.128 clause 6.2.3? r19 version8) and the HI2 content (IRIPayload)
 * both carry the event as field `event [2]`, a CHOICE of the same alternatives with the same tags
 * (XIRIEvent and IRIEvent are built from one list, ./ts33128/xiri-event.ts), so its TLV is the
 * same octets in both: encoded once, inserted verbatim into each by the fast writer.
 */
import { InvariantError } from '../../core/errors.js';
import type { IriRecord } from '../../records/li-record.js';
import type { AsnValue } from './asn-schema.js';
import { DerTlv, writeDerField } from './der-writer.js';
import { IRIPayload } from './ts33128/iri-payload.js';
import { XIRIPayload } from './ts33128/xiri-payload.js';
import { iriEventValue } from './ts33128-record-values.js';

function eventField(t: typeof XIRIPayload) {
  const f = t.fields.find((x) => x.name === 'event');
  if (f === undefined || f.type.kind !== 'choice') throw new InvariantError(`${t.name} has no CHOICE field event`);
  return { tag: f.tag, type: f.type };
}
const X2_EVENT = eventField(XIRIPayload);
const HI2_EVENT = eventField(IRIPayload);
// The sharing is only right while both fields encode alike: checked once, at load.
if (X2_EVENT.tag !== HI2_EVENT.tag || X2_EVENT.type.alternatives !== HI2_EVENT.type.alternatives) {
  throw new InvariantError('XIRIPayload.event and IRIPayload.event no longer encode alike: the shared event encoding must go');
}

/** The last record encoded and its event TLV: X2 and HI2 of one record are encoded back to back. */
let lastRecord: IriRecord | undefined;
let lastEvent: DerTlv | undefined;

/**
 * The DER of `event [2]` for the record (encoded on the first call for this record object), as
 * the value of the `event` field: a {@link DerTlv}, which only the fast writer accepts (the
 * validating encoder rejects it as an unknown alternative).
 */
export function sharedIriEvent(r: IriRecord): AsnValue {
  if (r !== lastRecord || lastEvent === undefined) {
    lastEvent = new DerTlv(writeDerField(X2_EVENT.type, X2_EVENT.tag, iriEventValue(r)));
    lastRecord = r;
  }
  return lastEvent as unknown as AsnValue;
}
