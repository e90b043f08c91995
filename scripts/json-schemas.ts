/**
 * Publishes the JSON files msrptap writes or reads back as JSON Schema (draft 2020-12) under
 * schemas/json/, generated from their zod schemas (the one definition the code validates with,
 * src/core/check-json.ts) by zod 4's `z.toJSONSchema`. Run `npm run schemas` after changing a
 * schema; test/unit/schemas/json-schema-files.test.ts fails while a committed file differs.
 *
 * Refinements the JSON Schema cannot state (UUID syntax checked by a function, "exactly one
 * identifier per entry", cross-field rules) are enforced by msrptap only; the descriptions say so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { custodyManifestSchema } from '../src/audit/custody-manifest-schema.js';
import { tasksFileSchema } from '../src/correlate/tasks-file.js';
import { receivedIndexLineSchema } from '../src/deliver/received-pdu-store.js';
import { sequenceStateSchema } from '../src/deliver/sequence-state-file.js';
import { spoolPositionSchema } from '../src/deliver/spool-position.js';
import { auditReportSchema } from '../src/records/audit-report-schema.js';

export const SCHEMA_DIR = resolve(import.meta.dirname, '../schemas/json');

interface SchemaFile {
  /** File name under schemas/json/. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly schema: z.ZodType;
}

/** One entry per JSON file type msrptap writes or reads back. */
export const SCHEMA_FILES: readonly SchemaFile[] = [
  {
    name: 'audit.schema.json',
    title: 'msrptap audit.json',
    description: 'The audit reconstruction written by `msrptap audit --json` and `msrptap run --out` (src/records/audit-report-schema.ts).',
    schema: auditReportSchema,
  },
  {
    name: 'manifest.schema.json',
    title: 'msrptap custody manifest (manifest.json)',
    description: 'Written by `run --out` next to the outputs of each LIID, read back by `msrptap verify` (src/audit/custody-manifest-schema.ts).',
    schema: custodyManifestSchema,
  },
  {
    name: 'tasks.schema.json',
    title: 'msrptap tasks file',
    description: 'The intercept tasks given with --tasks, in ETSI TS 103 221-1 (X1) vocabulary (src/correlate/tasks-file.ts). msrptap also checks what this schema cannot state: UUID syntax, exactly one identifier per targetIdentifiers entry, identifier syntax, unique XIDs/LIIDs/DIDs, endTime after startTime, DIDs defined.',
    schema: tasksFileSchema,
  },
  {
    name: 'spool-position.schema.json',
    title: 'msrptap delivery spool position (SPOOL/<DID>/released.json)',
    description: 'The position up to which a destination acknowledged the spooled PDUs (src/deliver/spool-position.ts).',
    schema: spoolPositionSchema,
  },
  {
    name: 'sequence-state.schema.json',
    title: 'msrptap X2/X3 sequence-number state (SPOOL/x2x3-sequence.json)',
    description: 'Per XID, the next sequence number that may be used (src/deliver/sequence-state-file.ts); at most 1 000 000 XIDs.',
    schema: sequenceStateSchema,
  },
  {
    name: 'received-index-line.schema.json',
    title: 'msrptap receiver index line (OUT/<XID>/index.jsonl)',
    description: 'One line of the receiver\'s index: one stored PDU (src/deliver/received-pdu-store.ts).',
    schema: receivedIndexLineSchema,
  },
];

/** The text of one schema file: JSON with 2-space indent and a final newline. */
export function schemaFileText(f: SchemaFile): string {
  const generated = z.toJSONSchema(f.schema, {
    target: 'draft-2020-12',
    // `.readonly()` is a TypeScript-side promise; as `readOnly` it would claim the field is
    // managed by the server (JSON Schema validation 9.4), which says nothing true here.
    override: (ctx) => {
      delete ctx.jsonSchema.readOnly;
    },
  });
  const { $schema, ...rest } = generated;
  return `${JSON.stringify({ $schema, title: f.title, description: f.description, ...rest }, null, 2)}\n`;
}

function main(): void {
  mkdirSync(SCHEMA_DIR, { recursive: true });
  for (const f of SCHEMA_FILES) writeFileSync(join(SCHEMA_DIR, f.name), schemaFileText(f));
  process.stdout.write(`wrote ${SCHEMA_FILES.length} schemas to ${SCHEMA_DIR}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
