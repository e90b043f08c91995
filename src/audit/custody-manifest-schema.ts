/**
 * The one definition of `manifest.json` (./custody-manifest.ts says what it proves): the writer
 * (src/pipeline/file-record-output.ts) builds values of these types, and `msrptap verify` checks
 * the file it reads against this schema before using a field of it. Strict: an unknown field,
 * a wrong type or a value out of range makes the manifest unusable, and verify says which field.
 *
 * The manifest under check must not configure the checker: its file names can only be output
 * file names (no path: verify never opens a file the manifest names), its algorithms are the
 * fixed ones, counts are whole numbers verify compares with what it computes, and the encoder
 * settings are the PS-PDU header fields `run` can set, nothing else.
 */
import { z } from 'zod';
import { MANIFEST_FORMAT } from './manifest-format.js';

export { MANIFEST_FORMAT };

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, { message: 'not a SHA-256 (64 lower-case hex digits)' });
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const base64 = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'not base64' });
/** Strings the tool writes from its own configuration (paths, LIIDs, identifiers): bounded. */
const text = (max: number) => z.string().max(max);

/** x2x3.pdu, hi2.ber, hi3.ber, records.pb, and their rotated parts NAME.n (src/pipeline/file-record-output.ts). */
export const MANIFEST_FILE_NAME = /^(x2x3\.pdu|hi2\.ber|hi3\.ber|records\.pb)(\.[1-9][0-9]{0,8})?$/;

export const manifestCaptureSchema = z
  .strictObject({
    /** The path as given on the command line ("-" for standard input, `live:IFACE` for live capture). */
    path: text(4096),
    /** Hex SHA-256 of the whole file; null for standard input and live capture. */
    sha256: hex64.nullable(),
    bytes: count.nullable(),
  })
  .readonly();

export const manifestTaskSchema = z
  .strictObject({
    xid: text(64),
    liid: text(256),
    deliveryType: z.enum(['X2andX3', 'X2Only', 'X3Only']),
    /** The task's target identifiers as provisioned (`sipUri:sip:alice@…`). */
    targets: z.array(text(2048)).max(100_000).readonly(),
  })
  .readonly();

export const manifestChainSchema = z
  .strictObject({
    algorithm: z.literal('sha256'),
    genesis: hex64,
    head: hex64,
    /** Stored entries: index → hex entry (all of the first CHAIN_FULL_ENTRIES, then every CHAIN_STRIDE-th). */
    entries: z.array(z.strictObject({ index: count, entry: hex64 }).readonly()).readonly(),
  })
  .readonly();

export const manifestFileSchema = z
  .strictObject({
    name: z.string().regex(MANIFEST_FILE_NAME, { message: 'not an output file name (x2x3.pdu, hi2.ber, hi3.ber, records.pb, or NAME.n)' }),
    records: count,
    bytes: count,
    sha256: hex64,
    chain: manifestChainSchema,
  })
  .readonly();

export const manifestSignatureSchema = z
  .strictObject({
    algorithm: z.literal('ed25519'),
    /** SubjectPublicKeyInfo DER, base64. */
    publicKey: base64,
    /** First 16 hex digits of sha256(SPKI DER), to compare with a pinned key at a glance. */
    keyFingerprint: z.string().regex(/^[0-9a-f]{16}$/, { message: 'not 16 lower-case hex digits' }),
    /** Base64 signature over canonicalJson(manifest without `signature`). */
    value: base64,
  })
  .readonly();

const countryCode = z.string().regex(/^[A-Z]{2}$/, { message: 'not an ISO 3166 alpha-2 code' });

/** The PS-PDU header fields `run` sets (--operator-id, --network-element-id, --country-code). */
export const manifestEncoderSchema = z
  .strictObject({
    psHeader: z
      .strictObject({
        operatorIdentifier: text(256),
        networkElementIdentifier: text(256).exactOptional(),
        authorizationCountryCode: countryCode.exactOptional(),
        deliveryCountryCode: countryCode.exactOptional(),
      })
      .readonly()
      .exactOptional(),
  })
  .readonly();

export const custodyManifestSchema = z
  .strictObject({
    format: z.literal(MANIFEST_FORMAT),
    tool: z.strictObject({ name: z.literal('msrptap'), version: text(64) }).readonly(),
    liid: text(256),
    tasks: z.array(manifestTaskSchema).max(100_000).readonly(),
    captures: z.array(manifestCaptureSchema).max(100_000).readonly(),
    /** Encoder settings that shape the bytes (PS-PDU header fields), so a verifier can re-derive them. */
    encoder: manifestEncoderSchema,
    files: z
      .array(manifestFileSchema)
      .max(1_000_000)
      .readonly()
      .refine((files) => new Set(files.map((f) => f.name)).size === files.length, { message: 'a file is listed twice' }),
    /** The run was stopped by a signal before the end of its input: the files hold what was read until then. */
    interrupted: z.literal(true).exactOptional(),
    signature: manifestSignatureSchema.exactOptional(),
  })
  .readonly();

export type ManifestCapture = z.infer<typeof manifestCaptureSchema>;
export type ManifestTask = z.infer<typeof manifestTaskSchema>;
export type ManifestChain = z.infer<typeof manifestChainSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type ManifestSignature = z.infer<typeof manifestSignatureSchema>;
export type ManifestEncoder = z.infer<typeof manifestEncoderSchema>;
export type CustodyManifest = z.infer<typeof custodyManifestSchema>;
