/**
 * The X1 provisioning state of the NE (tasks and destinations as the ADMF set them) and its
 * mapping to the TaskSet the correlator and the delivery output run with.
 *
 * The mapping goes through the tasks file's own validator (src/correlate/tasks-file.ts), so a
 * task provisioned over X1 obeys exactly the rules of one written in a tasks file (identifier
 * syntax, LIID length and collisions, output folders, time window), and intercepts the same.
 *
 * - LIID: from the first `mediationDetails` (TS 103 221-1 clause 6.2.1: the POI that is also the
 *   MF/... receives the LIID there); the records then go to OUT/<LIID>/ as for a tasks file.
 *   Without mediation details the task is POI-only: its X2/X3 PDUs carry the XID as always, but
 *   every record needs an LIID of 1..25 characters (TS 103 280; the record validator refuses a
 *   36-character XID), so the records carry a stand-in derived from the XID, one to one:
 *   `X1-` + the 16 XID octets in base64url (25 characters), e.g. OUT/X1-KfKOHPIwSGqoYPWnhKuRcg/.
 * - Interception window: startTime/endTime of that entry.
 * - Destinations: `ipAddressAndPort` → host:port; TLS material is the operator's (one set for
 *   every X1 destination, the standard leaves it to the NE's configuration).
 */
import { InvariantError, isConfigError } from '../core/errors.js';
import { parseUuid } from '../records/uuid.js';
import { parseTasksFile, type Destination, type TaskSet } from '../correlate/index.js';
import { X1_ERR, type X1DestinationDetails, type X1Error, type X1TaskDetails } from './x1-model.js';

export interface X1TaskEntry {
  readonly details: X1TaskDetails;
  /** TaskStatus counters of TS 103 221-1 clause 6.2.6 kept by the store. */
  readonly numberOfModifications: number;
  readonly timeOfLastModification: string;
}

export interface X1DestinationEntry {
  readonly details: X1DestinationDetails;
}

/** Immutable snapshot: a request works on a copy and the server commits it once durable. */
export interface X1State {
  readonly tasks: ReadonlyMap<string, X1TaskEntry>;
  readonly destinations: ReadonlyMap<string, X1DestinationEntry>;
}

export const EMPTY_X1_STATE: X1State = { tasks: new Map(), destinations: new Map() };

/** TLS files for the links to X1 destinations (from the tap's command line), or null (plain TCP). */
export type DestinationTls = { readonly cert: string; readonly key: string; readonly ca?: string } | null;

/** The stand-in LIID of a POI-only task (see the file comment): `X1-` + base64url(XID octets). */
export function poiOnlyLiid(xid: string): string {
  const b = parseUuid(xid);
  if (b === undefined) throw new InvariantError('XID is not a UUID');
  let bin = '';
  for (const x of b) bin += String.fromCharCode(x);
  return `X1-${btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** The LIID records of this task carry: the mediation details' LIID, else (POI-only) {@link poiOnlyLiid}. */
export function liidOf(t: X1TaskDetails): string {
  return t.listOfMediationDetails?.[0]?.lIID ?? poiOnlyLiid(t.xId);
}

function hostPort(d: X1DestinationDetails): string {
  return d.address.kind === 'IPv6Address' ? `[${d.address.value}]:${d.port.value}` : `${d.address.value}:${d.port.value}`;
}

const KIND = { sipUri: 'sipUri', telUri: 'telUri', impu: 'impu', impi: 'impi', e164Number: 'e164' } as const;

/**
 * The TaskSet of `state`, validated as a tasks file is. `base` (the --tasks file, if any) is
 * merged in: its tasks and destinations come first and X1 may not reuse their XIDs/DIDs.
 *
 * @returns the TaskSet, or the X1 error explaining why this state cannot run (3000: a task that
 *   the tasks-file rules refuse; the message names the field, never the identifier's value).
 */
export function toTaskSet(state: X1State, tls: DestinationTls, base?: TaskSet): TaskSet | X1Error {
  const destinations: Destination[] = [...(base?.destinations ?? [])];
  for (const { details: d } of state.destinations.values()) destinations.push({ did: d.dId, host: d.address.kind === 'IPv6Address' ? d.address.value : d.address.value, port: d.port.value, tls });
  if (new Set(destinations.map((d) => d.did)).size !== destinations.length) return { code: X1_ERR.didExists, description: 'DID already defined by the tasks file' };
  const x1 = [...state.tasks.values()].map((e) => e.details);
  if (x1.length === 0) return { tasks: base?.tasks ?? [], destinations };
  const json = {
    tasks: x1.map((t) => {
      const m = t.listOfMediationDetails?.[0];
      return {
        xid: t.xId,
        liid: liidOf(t),
        targetIdentifiers: t.targetIdentifiers.map((id) => ({ [KIND[id.kind]]: id.value })),
        deliveryType: t.deliveryType,
        ...(m?.startTime !== undefined ? { startTime: m.startTime } : {}),
        ...(m?.endTime !== undefined ? { endTime: m.endTime } : {}),
        listOfDids: [...t.listOfDIDs],
      };
    }),
    destinations: destinations.map((d) => ({ did: d.did, address: d.host.includes(':') ? `[${d.host}]:${d.port}` : `${d.host}:${d.port}` })),
  };
  let parsed: TaskSet;
  try {
    parsed = parseTasksFile(json, 'X1');
  } catch (e) {
    if (!isConfigError(e)) throw e;
    // "X1: tasks[3].liid: ..." → name the XID instead of the index.
    const m = /^X1: tasks\[(\d+)\]\.?(\S*): (.*)$/s.exec(e.message);
    const xid = m === null ? undefined : x1[Number(m[1])]?.xId;
    return { code: X1_ERR.activateFailure, description: xid === undefined ? e.message : `task ${xid}: ${m![2]}: ${m![3]}` };
  }
  const all = [...(base?.tasks ?? []), ...parsed.tasks];
  if (new Set(all.map((t) => t.xid)).size !== all.length) return { code: X1_ERR.xidExists, description: 'XID already defined by the tasks file' };
  if (new Set(all.map((t) => t.liid)).size !== all.length) return { code: X1_ERR.activateFailure, description: 'LIID already used by a task of the tasks file' };
  return { tasks: all, destinations };
}

/** Used by the encoder of DestinationDetails and by the CLI listing. */
export { hostPort };
