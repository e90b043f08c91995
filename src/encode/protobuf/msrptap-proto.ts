/**
 * Loads schemas/proto/msrptap.proto at runtime with protobufjs reflection. The path is resolved
 * from this module's URL: src/encode/protobuf/ (vitest, tsx) and dist/encode/protobuf/ (after
 * `tsc`) are both three levels below the package root, where schemas/ lives. The .proto is read
 * once, as data (architecture: encode "reads schemas/ as data").
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** Absolute path of the .proto file. */
export const MSRPTAP_PROTO_PATH = fileURLToPath(new URL('../../../schemas/proto/msrptap.proto', import.meta.url));

let root: protobuf.Root | undefined;

/** The reflected `msrptap.v1.Record` type (loaded on first use). */
export function recordType(): protobuf.Type {
  root ??= protobuf.loadSync(MSRPTAP_PROTO_PATH);
  return root.lookupType('msrptap.v1.Record');
}
