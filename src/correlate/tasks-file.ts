/**
 * The tasks file: the intercept tasks msrptap runs with, in ETSI TS 103 221-1 (X1) vocabulary
 * (ActivateTask: XID, target identifiers, delivery type, implementation start/end time, list of
 * DIDs; CreateDestination: DID, delivery address), plus the warrant's LIID (TS 103 280).
 *
 * ```json
 * { "tasks": [ { "xid": "<UUID>", "liid": "<1..25 chars>",
 *                "targetIdentifiers": [ {"sipUri": "sip:a@b"}, {"telUri": "tel:+49..."}, {"impu": "..."},
 *                                       {"impi": "user@realm"}, {"e164": "4915112345678"} ],
 *                "deliveryType": "X2andX3" | "X2Only" | "X3Only",
 *                "startTime": "ISO-8601", "endTime": "ISO-8601",
 *                "listOfDids": ["<UUID>"], "x2Dids": ["<UUID>"], "x3Dids": ["<UUID>"] } ],
 *   "destinations": [ { "did": "<UUID>", "address": "host:port",
 *                       "tls": { "cert": "path", "key": "path", "ca": "path" } } ] }
 * ```
 *
 * Validation is strict (unknown fields are errors: a misspelt `deliverytype` must not silently
 * fall back to a default on a warrant). Every error is ONE ConfigError naming the file and the
 * field path, e.g. `tasks.json: tasks[1].xid: not a UUID`, with a fix hint.
 */
import { z } from 'zod';
import { checkJson, checkParsed, type JsonCheck } from '../core/check-json.js';
import { ConfigError } from '../core/errors.js';
import { e164Key, normalizeIdentity } from '../protocols/sip/index.js';
import type { DeliveryType } from '../records/task-ref.js';
import { formatUuid, parseUuid } from '../records/uuid.js';
import { pathSegment } from '../util/path-segment.js';

/** Kinds of target identifier (TS 103 221-1 TargetIdentifier choices msrptap supports). */
export type TargetIdKind = 'sipUri' | 'telUri' | 'impu' | 'impi' | 'e164';

/** One target identifier as provisioned. */
export interface TargetId {
  readonly kind: TargetIdKind;
  /** The text as written in the file (what records report as the matched identifier). */
  readonly value: string;
}

/** A validated intercept task. */
export interface Task {
  /** XID in canonical lower-case form. */
  readonly xid: string;
  readonly liid: string;
  readonly deliveryType: DeliveryType;
  readonly targetIdentifiers: readonly TargetId[];
  /** Interception window in capture time (seconds since the epoch, fractional); null = open. */
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly listOfDids: readonly string[];
  readonly x2Dids: readonly string[];
  readonly x3Dids: readonly string[];
}

/** A delivery destination (X1 CreateDestination). */
export interface Destination {
  readonly did: string;
  readonly host: string;
  readonly port: number;
  readonly tls: { readonly cert: string; readonly key: string; readonly ca?: string } | null;
}

/** The whole validated file. */
export interface TaskSet {
  readonly tasks: readonly Task[];
  readonly destinations: readonly Destination[];
}

const uuid = z.string().refine((s) => parseUuid(s) !== undefined, { message: 'not a UUID' });
const isoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
  message: 'not an ISO-8601 date-time with a time zone (e.g. 2026-11-28T09:00:00Z)',
});
const nonEmpty = z.string().min(1, { message: 'must not be empty' });

const targetIdSchema = z
  .strictObject({
    sipUri: nonEmpty.optional(),
    telUri: nonEmpty.optional(),
    impu: nonEmpty.optional(),
    impi: nonEmpty.optional(),
    e164: nonEmpty.optional(),
  })
  .refine((o) => Object.keys(o).length === 1, { message: 'exactly one of sipUri, telUri, impu, impi, e164 per entry' });

const taskSchema = z.strictObject({
  xid: uuid,
  liid: z
    .string()
    .min(1, { message: 'LIID must have 1..25 characters (TS 103 280)' })
    .max(25, { message: 'LIID must have 1..25 characters (TS 103 280)' })
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (an LIID names folders and log lines)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'LIID must not contain control characters' }),
  targetIdentifiers: z.array(targetIdSchema).min(1, { message: 'at least one target identifier is required' }),
  deliveryType: z.enum(['X2andX3', 'X2Only', 'X3Only'], { message: 'must be "X2andX3", "X2Only" or "X3Only"' }),
  startTime: isoTime.optional(),
  endTime: isoTime.optional(),
  listOfDids: z.array(uuid).optional(),
  x2Dids: z.array(uuid).optional(),
  x3Dids: z.array(uuid).optional(),
});

const destinationSchema = z.strictObject({
  did: uuid,
  address: nonEmpty,
  tls: z.strictObject({ cert: nonEmpty, key: nonEmpty, ca: nonEmpty.optional() }).optional(),
});

/** The file's one definition (published as schemas/json/tasks.schema.json by `npm run schemas`). */
export const tasksFileSchema = z.strictObject({
  tasks: z.array(taskSchema).min(1, { message: 'at least one task is required' }),
  destinations: z.array(destinationSchema).optional(),
});

const FIX = 'correct the tasks file (see the format in the README, section "Tasks file") and run again';

function fail(source: string, path: string, message: string, fix = FIX): never {
  throw new ConfigError(`${source}: ${path}: ${message}`, fix);
}

/** Checks one identifier's syntax so matching can rely on its key. */
function checkIdentifier(source: string, path: string, kind: TargetIdKind, value: string): void {
  const v = value.trim();
  const scheme = v.slice(0, v.indexOf(':') + 1).toLowerCase();
  switch (kind) {
    case 'sipUri':
      if ((scheme !== 'sip:' && scheme !== 'sips:') || normalizeIdentity(v) === null) fail(source, path, 'not a SIP URI (e.g. "sip:alice@ims.example.com")');
      break;
    case 'telUri':
      if (scheme !== 'tel:' || normalizeIdentity(v) === null) fail(source, path, 'not a TEL URI (RFC 3966, e.g. "tel:+4915112345678"; local numbers need ;phone-context)');
      break;
    case 'impu':
      if ((scheme !== 'sip:' && scheme !== 'sips:' && scheme !== 'tel:') || normalizeIdentity(v) === null) fail(source, path, 'not an IMPU (a SIP or TEL URI)');
      break;
    case 'impi':
      if (!/^[^@\s:]+@[A-Za-z0-9.-]+$/.test(v)) fail(source, path, 'not an IMPI (NAI "user@realm" without scheme, TS 23.003 13.3)');
      break;
    case 'e164':
      if (!/^\+?[1-9][0-9]{0,14}$/.test(v) || e164Key(v) === null) fail(source, path, 'not an E.164 number (1..15 digits in international format, e.g. "4915112345678")');
      break;
  }
}

/** Splits `host:port` / `[v6]:port`. */
function parseAddress(source: string, path: string, a: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):([0-9]{1,5})$/.exec(a.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port < 1 || port > 65535) fail(source, path, 'not "host:port" (IPv6 as "[addr]:port", port 1..65535)');
  return { host: m[1] ?? m[2]!, port };
}

type TasksFileJson = z.output<typeof tasksFileSchema>;

/**
 * Reads a tasks file's text (src/pipeline/load-tasks.ts does the I/O).
 *
 * @param source the file name used in error messages (e.g. `tasks.json`).
 * @throws ConfigError with one message `<source>: <field path>: <problem>` (or `<source>: not
 *   valid JSON: ...`) and a fix hint.
 */
export function parseTasksText(text: string, source: string): TaskSet {
  return tasksFrom(checkJson(tasksFileSchema, text), source);
}

/**
 * Validates a parsed tasks file.
 *
 * @param json the result of `JSON.parse` on the file.
 * @param source the file name used in error messages (e.g. `tasks.json`).
 * @throws ConfigError with one message `<source>: <field path>: <problem>` and a fix hint.
 */
export function parseTasksFile(json: unknown, source: string): TaskSet {
  return tasksFrom(checkParsed(tasksFileSchema, json), source);
}

function tasksFrom(r: JsonCheck<TasksFileJson>, source: string): TaskSet {
  if (!r.ok) {
    if (r.field === null) throw new ConfigError(`${source}: ${r.reason}`, 'fix the JSON syntax (a linter such as `jq . FILE` shows where)');
    fail(source, r.field, r.reason);
  }
  const file = r.value;
  const destinations: Destination[] = [];
  const dids = new Set<string>();
  (file.destinations ?? []).forEach((d, i) => {
    const did = formatUuid(parseUuid(d.did)!);
    if (dids.has(did)) fail(source, `destinations[${i}].did`, `duplicate DID ${did}`);
    dids.add(did);
    const { host, port } = parseAddress(source, `destinations[${i}].address`, d.address);
    const tls = d.tls === undefined ? null : d.tls.ca === undefined ? { cert: d.tls.cert, key: d.tls.key } : { cert: d.tls.cert, key: d.tls.key, ca: d.tls.ca };
    destinations.push({ did, host, port, tls });
  });

  const xids = new Map<string, number>();
  const liids = new Map<string, number>();
  /** Output folder names (src/util/path-segment.ts), case-folded. */
  const folders = new Map<string, number>();
  const tasks: Task[] = file.tasks.map((t, i) => {
    const xid = formatUuid(parseUuid(t.xid)!);
    const prevX = xids.get(xid);
    if (prevX !== undefined) fail(source, `tasks[${i}].xid`, `duplicate XID (also tasks[${prevX}].xid)`, 'every task needs its own XID');
    xids.set(xid, i);
    const prevL = liids.get(t.liid);
    if (prevL !== undefined) fail(source, `tasks[${i}].liid`, `LIID "${t.liid}" collides with tasks[${prevL}].liid`, 'records of different tasks must not share an LIID: give each task its own');
    liids.set(t.liid, i);
    // OUT/<LIID>/ is injective, but a case-insensitive file system (macOS, Windows, or where the
    // output is copied to) would merge folders that differ in case only: two warrants in one.
    const folderKey = pathSegment(t.liid).toLowerCase();
    const prevF = folders.get(folderKey);
    if (prevF !== undefined)
      fail(
        source,
        `tasks[${i}].liid`,
        `LIID "${t.liid}" and tasks[${prevF}].liid "${file.tasks[prevF]!.liid}" differ only in letter case: their output folders would be one on a case-insensitive file system`,
        'give the tasks LIIDs that differ in more than letter case',
      );
    folders.set(folderKey, i);
    const ids: TargetId[] = t.targetIdentifiers.map((o, j) => {
      const kind = Object.keys(o)[0] as TargetIdKind;
      const value = o[kind]!;
      checkIdentifier(source, `tasks[${i}].targetIdentifiers[${j}].${kind}`, kind, value);
      return { kind, value };
    });
    const start = t.startTime === undefined ? null : Date.parse(t.startTime) / 1000;
    const end = t.endTime === undefined ? null : Date.parse(t.endTime) / 1000;
    if (start !== null && end !== null && end <= start) fail(source, `tasks[${i}].endTime`, 'must be later than startTime');
    const didList = (name: 'listOfDids' | 'x2Dids' | 'x3Dids'): string[] =>
      (t[name] ?? []).map((d, j) => {
        const did = formatUuid(parseUuid(d)!);
        if (!dids.has(did)) fail(source, `tasks[${i}].${name}[${j}]`, `DID ${did} is not defined in "destinations"`, 'add the destination or remove the reference');
        return did;
      });
    return {
      xid,
      liid: t.liid,
      deliveryType: t.deliveryType,
      targetIdentifiers: ids,
      startTime: start,
      endTime: end,
      listOfDids: didList('listOfDids'),
      x2Dids: didList('x2Dids'),
      x3Dids: didList('x3Dids'),
    };
  });
  return { tasks, destinations };
}
