/**
 * The X1 provisioning state on disk (`--state-dir DIR/x1-state.json`): the tasks and
 * destinations the ADMF provisioned, so a restarted tap intercepts for the same tasks and
 * answers ListAllDetails with the same XIDs and DIDs (TS 103 221-1: the NE keeps what the ADMF
 * provisioned until the ADMF removes it).
 *
 * Written before the ADMF gets its answer, atomically and durably (src/deliver/safe-fs.ts
 * writeFileAtomic: temp file 0600, fsync, rename, folder fsync) in a 0700 folder: a power cut
 * leaves the previous or the new state, never a torn file, and an acknowledged change is on disk.
 * Read back through a schema (src/core/check-json.ts): a damaged file stops the start with a
 * ConfigError naming the field, never silently drops a warrant.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { checkJson } from '../core/check-json.js';
import { ConfigError } from '../core/errors.js';
import { ensureSecretDir, readFileNoFollow, writeFileAtomic } from '../deliver/safe-fs.js';
import type { X1DestinationDetails, X1TaskDetails } from '../x1/x1-model.js';
import type { X1DestinationEntry, X1State, X1TaskEntry } from '../x1/x1-state.js';

export const X1_STATE_FILE = 'x1-state.json';

const str = z.string().min(1).max(4096);
const taskDetails = z.strictObject({
  xId: str,
  targetIdentifiers: z.array(z.strictObject({ kind: z.enum(['sipUri', 'telUri', 'impu', 'impi', 'e164Number']), value: str })).min(1),
  deliveryType: z.enum(['X2Only', 'X3Only', 'X2andX3']),
  listOfDIDs: z.array(str),
  listOfMediationDetails: z
    .array(
      z.strictObject({
        lIID: str,
        deliveryType: z.enum(['HI2Only', 'HI3Only', 'HI2andHI3']),
        startTime: str.exactOptional(),
        endTime: str.exactOptional(),
        listOfDIDs: z.array(str).exactOptional(),
      }),
    )
    .exactOptional(),
  correlationID: str.exactOptional(),
  implicitDeactivationAllowed: z.boolean().exactOptional(),
  productID: str.exactOptional(),
});
const destinationDetails = z.strictObject({
  dId: str,
  friendlyName: str.exactOptional(),
  deliveryType: z.enum(['X2Only', 'X3Only', 'X2andX3']),
  address: z.strictObject({ kind: z.enum(['IPv4Address', 'IPv6Address']), value: str }),
  port: z.strictObject({ kind: z.literal('TCPPort'), value: z.number().int().min(1).max(65535) }),
});
const stateSchema = z.strictObject({
  version: z.literal(1),
  tasks: z.array(z.strictObject({ details: taskDetails, numberOfModifications: z.number().int().min(0), timeOfLastModification: str })),
  destinations: z.array(z.strictObject({ details: destinationDetails })),
});

export class X1StateFile {
  readonly path: string;

  constructor(readonly dir: string) {
    ensureSecretDir(dir);
    this.path = join(dir, X1_STATE_FILE);
  }

  /** The stored state, or an empty one when the file does not exist yet. */
  load(): X1State {
    const b = readFileNoFollow(this.path);
    if (b === undefined) return { tasks: new Map(), destinations: new Map() };
    const r = checkJson(stateSchema, b.toString('utf8'));
    if (!r.ok) throw new ConfigError(`${this.path}: damaged X1 state: ${r.problem}`, 'restore the file from a backup, or move it away to start with no X1 tasks (the ADMF must then provision them again)');
    const tasks = new Map<string, X1TaskEntry>();
    for (const t of r.value.tasks) tasks.set(t.details.xId, { details: t.details as X1TaskDetails, numberOfModifications: t.numberOfModifications, timeOfLastModification: t.timeOfLastModification });
    const destinations = new Map<string, X1DestinationEntry>();
    for (const d of r.value.destinations) destinations.set(d.details.dId, { details: d.details as X1DestinationDetails });
    return { tasks, destinations };
  }

  /** Replaces the stored state (durable when this returns). @throws IoError */
  save(s: X1State): void {
    const json = { version: 1, tasks: [...s.tasks.values()], destinations: [...s.destinations.values()] };
    writeFileAtomic(this.path, new TextEncoder().encode(`${JSON.stringify(json, null, 1)}\n`));
  }
}
