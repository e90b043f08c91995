/**
 * The NE side of X1 (ETSI TS 103 221-1 clause 6): one request body in, one response body out,
 * plus the new provisioning state when the request changed it. Pure: the caller (the HTTPS
 * server, src/pipeline/x1-server.ts) makes the new state durable, then {@link X1Handler.commit}s
 * it and applies its TaskSet to the running pipeline; a request whose state cannot be persisted
 * changes nothing. Node runs one request's handle → persist → commit without interleaving, so
 * concurrent requests are applied one after the other, each on the state the previous left.
 *
 * Checks per message, in this order: schema (1010), version major (1020: only `v1` is
 * compatible, clause 6.1.2), admfIdentifier bound to the client certificate (1030) and among
 * the expected ADMFs (1040), neIdentifier ours (1050), then the request's own rules.
 */
import { NIL_UUID } from '../records/uuid.js';
import { addMessage, encodeDestinationResponseDetails, encodeErrorInformation, encodeNeStatusDetails, encodeTaskResponseDetails, topLevelError, x1Timestamp, type TaskStatusValues } from './x1-encoder.js';
import { X1_ERR, type X1Error, type X1Header, type X1Request, type X2X3DeliveryType } from './x1-model.js';
import { decodeRequestMessage } from './x1-request-decoder.js';
import { toTaskSet, type DestinationTls, type X1DestinationEntry, type X1State, type X1TaskEntry } from './x1-state.js';
import { children, DEFAULT_XML_LIMITS, parseXml, X1_NS, XmlBuilder, type XmlLimits } from './x1-xml.js';
import type { TaskSet } from '../correlate/index.js';

/** Runtime counters of a task (from the records the pipeline emitted). */
export interface TaskCounters {
  readonly x2: number;
  readonly x3: number;
  /** Capture time of the last record, seconds since the epoch. */
  readonly lastTs?: number;
}

export interface X1HandlerOptions {
  readonly neIdentifier: string;
  /** When given, only these ADMF identities are served (others: 1040). */
  readonly expectedAdmfs?: readonly string[];
  readonly destinationTls: DestinationTls;
  /** The --tasks file's set, merged under the X1 tasks. */
  readonly baseTasks?: TaskSet;
  readonly now?: () => Date;
  readonly counters?: (xid: string) => TaskCounters | undefined;
  readonly destinationFaulty?: (did: string) => boolean;
  readonly neFaults?: () => readonly X1Error[];
  readonly maxTasks?: number;
  readonly maxDestinations?: number;
  /** Default {@link DEFAULT_MAX_TARGETS_PER_TASK}. */
  readonly maxTargetsPerTask?: number;
  readonly xmlLimits?: XmlLimits;
}

/** One line of the request log: identifiers and result, never target identifiers. */
export interface X1LogEntry {
  readonly admfIdentifier: string;
  readonly messageType: string;
  readonly xid?: string;
  readonly did?: string;
  readonly result: 'ok' | number;
}

export interface X1Outcome {
  readonly xml: string;
  /** The state after the request, when it changed; undefined = nothing to persist or apply. */
  readonly next?: X1State;
  /** The TaskSet of `next`. */
  readonly taskSet?: TaskSet;
  readonly log: readonly X1LogEntry[];
  /** True when the body was an X1TopLevelErrorResponse case. */
  readonly topLevelError: boolean;
}

export const DEFAULT_MAX_TASKS = 10_000;
export const DEFAULT_MAX_DESTINATIONS = 1_000;
/**
 * Target identifiers one task may carry (TS_103_221_01.xsd leaves `targetIdentifier` unbounded).
 * Every identifier is a matcher entry compared with each SIP request, kept as long as the task:
 * without a cap one ActivateTask within the XML element cap (~10 000 identifiers) would grow the
 * matcher and the saved state by that much. A warrant naming more identities than this is better
 * split over several tasks. Refused like the task table cap, as an activation (3000) or
 * modification (3001) failure: the request is well-formed (no 1010), the NE cannot take it.
 */
export const DEFAULT_MAX_TARGETS_PER_TASK = 256;

/** Mutable working copy of the state for one request. */
interface Work {
  tasks: Map<string, X1TaskEntry>;
  destinations: Map<string, X1DestinationEntry>;
  changed: boolean;
  taskSet?: TaskSet;
}

function covers(have: readonly X2X3DeliveryType[], want: X2X3DeliveryType): boolean {
  const x2 = have.some((d) => d !== 'X3Only');
  const x3 = have.some((d) => d !== 'X2Only');
  return (want === 'X3Only' || x2) && (want === 'X2Only' || x3);
}

export class X1Handler {
  private state: X1State;
  private readonly now: () => Date;
  private base: TaskSet | undefined;
  /** Wall-clock time of the last accepted KeepaliveRequest (ms), for the 9050 report. */
  lastKeepaliveMs: number | undefined;

  constructor(
    private readonly o: X1HandlerOptions,
    initial: X1State,
  ) {
    this.state = initial;
    this.base = o.baseTasks;
    this.now = o.now ?? (() => new Date());
  }

  get current(): X1State {
    return this.state;
  }

  /** The TaskSet of the current state (or the X1 error explaining why it cannot run). */
  taskSet(): TaskSet | X1Error {
    return toTaskSet(this.state, this.o.destinationTls, this.base);
  }

  /**
   * Replaces the tasks-file base (SIGHUP) when the merged set is valid; returns it, or the
   * error and keeps the previous base.
   */
  setBaseTasks(base: TaskSet): TaskSet | X1Error {
    const ts = toTaskSet(this.state, this.o.destinationTls, base);
    if (!('code' in ts)) this.base = base;
    return ts;
  }

  /**
   * The state without task `xid` (implicit deactivation at its endTime, TS 103 221-1 clause
   * 6.2.1 implicitDeactivationAllowed), to persist and commit as a request's; undefined when
   * the task is gone already.
   */
  withoutTask(xid: string): { next: X1State; taskSet: TaskSet } | undefined {
    if (!this.state.tasks.has(xid)) return undefined;
    const tasks = new Map(this.state.tasks);
    tasks.delete(xid);
    const next: X1State = { tasks, destinations: this.state.destinations };
    const ts = toTaskSet(next, this.o.destinationTls, this.base);
    return 'code' in ts ? undefined : { next, taskSet: ts };
  }

  /** Makes `next` the current state (after it was persisted). */
  commit(next: X1State): void {
    this.state = next;
  }

  /**
   * Handles one POST body. `peerIds` are the identities of the client certificate (CN and SAN
   * DNS/URI names) that admfIdentifier must be one of.
   */
  handle(body: Uint8Array, peerIds: readonly string[]): X1Outcome {
    const now = this.now();
    const peer = peerIds[0] ?? '';
    const parsed = parseXml(body, this.o.xmlLimits ?? DEFAULT_XML_LIMITS);
    const msgs = parsed.ok && parsed.root.namespaceURI === X1_NS && parsed.root.localName === 'X1Request' ? children(parsed.root, X1_NS, 'x1RequestMessage') : [];
    // Also anything besides x1RequestMessage children: the container is not an X1Request.
    if (!parsed.ok || msgs.length === 0 || children(parsed.root).length !== msgs.length) {
      return { xml: topLevelError(peer, this.o.neIdentifier, now), log: [{ admfIdentifier: peer, messageType: 'X1Request', result: X1_ERR.schema }], topLevelError: true };
    }
    const w: Work = { tasks: new Map(this.state.tasks), destinations: new Map(this.state.destinations), changed: false };
    const b = new XmlBuilder('X1Response');
    const log: X1LogEntry[] = [];
    for (const el of msgs) {
      const d = decodeRequestMessage(el);
      const echo = (h: Partial<X1Header>) => ({ ...h, admfIdentifier: h.admfIdentifier ?? peer, neIdentifier: h.neIdentifier ?? this.o.neIdentifier, x1TransactionId: h.x1TransactionId ?? NIL_UUID });
      const fail = (h: Partial<X1Header>, type: string, e: X1Error, ids: { xid?: string; did?: string } = {}): void => {
        encodeErrorInformation(b, addMessage(b, 'x1ResponseMessage', 'ErrorResponse', echo(h), now), type, e);
        log.push({ admfIdentifier: h.admfIdentifier ?? peer, messageType: type, ...ids, result: e.code });
      };
      if (!d.ok) {
        fail(d.header, d.requestMessageType, d.error);
        continue;
      }
      const r = d.request;
      const h = r.header;
      const ids = { ...('xId' in r ? { xid: r.xId } : {}), ...('taskDetails' in r ? { xid: r.taskDetails.xId } : {}), ...('dId' in r ? { did: r.dId } : {}), ...('destinationDetails' in r ? { did: r.destinationDetails.dId } : {}) };
      const headerError = this.checkHeader(h, peerIds);
      if (headerError !== undefined) {
        fail(h, r.type, headerError, ids);
        continue;
      }
      const result = this.apply(w, r, now, b);
      if (result !== undefined) fail(h, r.type, result, ids);
      else log.push({ admfIdentifier: h.admfIdentifier, messageType: r.type, ...ids, result: 'ok' });
    }
    if (!w.changed) return { xml: b.toString(), log, topLevelError: false };
    const next: X1State = { tasks: w.tasks, destinations: w.destinations };
    return { xml: b.toString(), next, ...(w.taskSet !== undefined ? { taskSet: w.taskSet } : {}), log, topLevelError: false };
  }

  private checkHeader(h: X1Header, peerIds: readonly string[]): X1Error | undefined {
    // Clause 6.1.2: only the major version is a compatibility break.
    if (!/^v1(\.\d+)*$/.test(h.version)) return { code: X1_ERR.version, description: 'unsupported version: this NE speaks v1' };
    if (!peerIds.includes(h.admfIdentifier)) return { code: X1_ERR.admfMismatch, description: 'admfIdentifier does not match the client certificate' };
    if (this.o.expectedAdmfs !== undefined && !this.o.expectedAdmfs.includes(h.admfIdentifier)) return { code: X1_ERR.admfUnexpected, description: 'admfIdentifier not expected by this NE' };
    if (h.neIdentifier !== this.o.neIdentifier) return { code: X1_ERR.neMismatch, description: 'neIdentifier does not match this NE' };
    return undefined;
  }

  /** Validates `w` as a whole (tasks-file rules) and keeps its TaskSet; the error otherwise. */
  private validate(w: Work, code: number): X1Error | undefined {
    const ts = toTaskSet({ tasks: w.tasks, destinations: w.destinations }, this.o.destinationTls, this.base);
    if ('code' in ts) return { code: ts.code === X1_ERR.activateFailure ? code : ts.code, description: ts.description };
    w.taskSet = ts;
    w.changed = true;
    return undefined;
  }

  private taskStatus(xid: string, e: X1TaskEntry): TaskStatusValues {
    const c = this.o.counters?.(xid);
    const faults = e.details.listOfDIDs.filter((d) => this.o.destinationFaulty?.(d) === true).map((d) => ({ code: X1_ERR.generic, description: `destination ${d}: delivery fault` }));
    return {
      provisioningStatus: 'complete',
      faults,
      ...(c?.lastTs !== undefined ? { timeOfLastIntercept: x1Timestamp(new Date(c.lastTs * 1000)) } : {}),
      amountOfX2Data: c?.x2 ?? 0,
      amountOfX3Data: c?.x3 ?? 0,
      timeOfLastModification: e.timeOfLastModification,
      numberOfModifications: e.numberOfModifications,
    };
  }

  /** Applies one request to `w`, writing its response into `b`; returns the error instead when it fails. */
  private apply(w: Work, r: X1Request, now: Date, b: XmlBuilder): X1Error | undefined {
    const okMessage = () => addMessage(b, 'x1ResponseMessage', `${r.type}Response`, r.header, now);
    const ok = (): undefined => {
      b.add(okMessage(), 'oK', 'AcknowledgedAndCompleted');
      return undefined;
    };
    const stamp = x1Timestamp(now);
    switch (r.type) {
      case 'Keepalive':
        this.lastKeepaliveMs = now.getTime();
        return ok();
      case 'Ping':
        return ok();
      case 'ActivateTask':
      case 'ModifyTask': {
        const t = r.taskDetails;
        const prev = w.tasks.get(t.xId);
        const activate = r.type === 'ActivateTask';
        const failCode = activate ? X1_ERR.activateFailure : X1_ERR.modifyFailure;
        if (activate && prev !== undefined) return { code: X1_ERR.xidExists, description: `XID ${t.xId} already exists` };
        if (!activate && prev === undefined) return { code: X1_ERR.xidUnknown, description: `XID ${t.xId} does not exist` };
        if (activate && w.tasks.size >= (this.o.maxTasks ?? DEFAULT_MAX_TASKS)) return { code: failCode, description: 'task table full (NE cap)' };
        const maxTargets = this.o.maxTargetsPerTask ?? DEFAULT_MAX_TARGETS_PER_TASK;
        if (t.targetIdentifiers.length > maxTargets) return { code: failCode, description: `more than ${maxTargets} target identifiers in one task (NE cap)` };
        if ((t.listOfMediationDetails?.length ?? 0) > 1) return { code: X1_ERR.combination, description: 'one mediationDetails entry per task (one LIID per task)' };
        const allDids = [...t.listOfDIDs, ...(t.listOfMediationDetails ?? []).flatMap((m) => m.listOfDIDs ?? [])];
        for (const did of allDids) if (!w.destinations.has(did)) return { code: X1_ERR.didUnknown, description: `DID ${did} does not exist` };
        if (
          t.listOfDIDs.length > 0 &&
          !covers(
            t.listOfDIDs.map((d) => w.destinations.get(d)!.details.deliveryType),
            t.deliveryType,
          )
        ) {
          return { code: X1_ERR.deliveryTypeNotCovered, description: `deliveryType ${t.deliveryType} is not covered by the task's destinations` };
        }
        const saved = prev;
        w.tasks.set(t.xId, { details: t, numberOfModifications: (prev?.numberOfModifications ?? -1) + 1, timeOfLastModification: stamp });
        const e = this.validate(w, failCode);
        if (e !== undefined) {
          if (saved === undefined) w.tasks.delete(t.xId);
          else w.tasks.set(t.xId, saved);
          return e;
        }
        return ok();
      }
      case 'DeactivateTask': {
        if (!w.tasks.delete(r.xId)) return { code: X1_ERR.xidUnknown, description: `XID ${r.xId} does not exist` };
        return this.validate(w, X1_ERR.deactivateFailure) ?? ok();
      }
      case 'DeactivateAllTasks':
        w.tasks.clear();
        return this.validate(w, X1_ERR.deactivateFailure) ?? ok();
      case 'GetTaskDetails': {
        const e = w.tasks.get(r.xId);
        if (e === undefined) return { code: X1_ERR.xidUnknown, description: `XID ${r.xId} does not exist` };
        encodeTaskResponseDetails(b, okMessage(), e.details, this.taskStatus(r.xId, e));
        return undefined;
      }
      case 'CreateDestination':
      case 'ModifyDestination': {
        const d = r.destinationDetails;
        const create = r.type === 'CreateDestination';
        const prev = w.destinations.get(d.dId);
        if (create && prev !== undefined) return { code: X1_ERR.didExists, description: `DID ${d.dId} already exists` };
        if (!create && prev === undefined) return { code: X1_ERR.didUnknown, description: `DID ${d.dId} does not exist` };
        if (create && w.destinations.size >= (this.o.maxDestinations ?? DEFAULT_MAX_DESTINATIONS)) return { code: X1_ERR.createDestinationFailure, description: 'destination table full (NE cap)' };
        if (!create) {
          // A task's delivery type must stay covered (3040 applies to the change as to an activation).
          for (const { details: t } of w.tasks.values()) {
            if (!t.listOfDIDs.includes(d.dId)) continue;
            if (
              !covers(
                t.listOfDIDs.map((x) => (x === d.dId ? d.deliveryType : w.destinations.get(x)!.details.deliveryType)),
                t.deliveryType,
              )
            ) {
              return { code: X1_ERR.deliveryTypeNotCovered, description: `task ${t.xId} would no longer be covered by its destinations` };
            }
          }
        }
        w.destinations.set(d.dId, { details: d });
        const e = this.validate(w, create ? X1_ERR.createDestinationFailure : X1_ERR.modifyDestinationFailure);
        if (e !== undefined) {
          if (prev === undefined) w.destinations.delete(d.dId);
          else w.destinations.set(d.dId, prev);
          return e;
        }
        return ok();
      }
      case 'RemoveDestination': {
        if (!w.destinations.has(r.dId)) return { code: X1_ERR.didUnknown, description: `DID ${r.dId} does not exist` };
        for (const { details: t } of w.tasks.values()) {
          if (t.listOfDIDs.includes(r.dId) || (t.listOfMediationDetails ?? []).some((m) => m.listOfDIDs?.includes(r.dId) === true)) {
            return { code: X1_ERR.destinationInUse, description: `DID ${r.dId} is used by task ${t.xId}` };
          }
        }
        w.destinations.delete(r.dId);
        return this.validate(w, X1_ERR.removeDestinationFailure) ?? ok();
      }
      case 'RemoveAllDestinations': {
        if (w.tasks.size > 0 && [...w.tasks.values()].some((t) => t.details.listOfDIDs.length > 0)) return { code: X1_ERR.destinationInUse, description: 'destinations are used by tasks' };
        w.destinations.clear();
        return this.validate(w, X1_ERR.removeDestinationFailure) ?? ok();
      }
      case 'GetDestinationDetails': {
        const e = w.destinations.get(r.dId);
        if (e === undefined) return { code: X1_ERR.didUnknown, description: `DID ${r.dId} does not exist` };
        encodeDestinationResponseDetails(b, okMessage(), e.details, this.o.destinationFaulty?.(r.dId) === true ? 'deliveryFault' : 'activeAndWorking');
        return undefined;
      }
      case 'GetAllDetails': {
        const m = okMessage();
        encodeNeStatusDetails(b, m, this.o.neFaults?.() ?? []);
        const lt = b.add(m, 'listOfTaskResponseDetails');
        for (const [xid, e] of w.tasks) encodeTaskResponseDetails(b, lt, e.details, this.taskStatus(xid, e));
        const ld = b.add(m, 'listOfDestinationResponseDetails');
        for (const [did, e] of w.destinations) encodeDestinationResponseDetails(b, ld, e.details, this.o.destinationFaulty?.(did) === true ? 'deliveryFault' : 'activeAndWorking');
        return undefined;
      }
      case 'ListAllDetails': {
        const m = okMessage();
        const x = b.add(m, 'ListOfXIDs');
        for (const xid of w.tasks.keys()) b.add(x, 'xId', xid);
        const dl = b.add(m, 'ListOfDIDs');
        for (const did of w.destinations.keys()) b.add(dl, 'dId', did);
        return undefined;
      }
      case 'GetNEStatus':
        encodeNeStatusDetails(b, okMessage(), this.o.neFaults?.() ?? []);
        return undefined;
    }
  }
}
