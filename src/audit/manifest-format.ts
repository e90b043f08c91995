/**
 * The manifest format's name, in a module of its own: the output thread writes manifests and
 * needs this constant, but not the zod schema (./custody-manifest-schema.ts) that `verify` uses
 * to read them (zod costs ~80 ms of CPU to load per thread).
 */
export const MANIFEST_FORMAT = 'msrptap-manifest/1';
