/**
 * Public API of the encoders: X2/X3 (TS 103 221-2), TS 33.128 / TS 102 232-1 ASN.1 (DER/BER),
 * msrptap.v1 protobuf, and the record-file decoder behind `msrptap decode`.
 */
export { createRecordEncoder, type EncodedRecord, type RecordEncoder, type RecordEncoderOptions, type RecordFormat } from './common/create-record-encoder.js';
export { decodeFail, formatDecodeError, type DecodeResult, type RecordDecodeError, type RecordDecodeErrorCode } from './common/decode-error.js';
export { decodeRecordFile, detectRecordFileKind, type DecodedPsPduItem, type DecodedRecordFile, type DecodedX2X3Item, type RecordFileKind } from './common/decode-record-file.js';
export { formatDecodedRecordFile } from './common/format-decoded-record-file.js';
export { decodedRecordsJson, asnNodeJson, bytesJson } from './common/decoded-record-json.js';
export { decodedRecordsValues, asnPlainValue } from './common/decoded-record-values.js';
export { SequenceAllocator } from './common/sequence-allocator.js';

export { decodeX2X3Pdu, peekX2X3Lengths, type X2X3DecodeOptions } from './x2x3/decode-x2x3-pdu.js';
export { encodeKeepalive, encodeKeepaliveAck, encodeX2X3Pdu, type X2X3PduInput } from './x2x3/encode-x2x3-pdu.js';
export { encodeX2Record, encodeX2X3Record, encodeX3Record } from './x2x3/encode-x2x3-record.js';
export { X2X3Framer, type X2X3FramerResult } from './x2x3/x2x3-framer.js';
export { AttributeType, PayloadFormat, PduType, X2X3_VERSION } from './x2x3/x2x3-constants.js';
export type { X2X3Attribute, X2X3Pdu } from './x2x3/x2x3-pdu.js';

export { decodeBer, findNode, treeToValue, type AsnNode, type BerDecodeOptions } from './asn1/ber-decoder.js';
export { decodeLiStructure, type LiTopTypeName } from './asn1/decode-li-payloads.js';
export { encodeDer } from './asn1/der-encoder.js';
export { encodePsPdu, type PsPduHeaderParams } from './asn1/encode-ps-pdu.js';
export { encodeTs33128CCPayload, encodeTs33128IRIPayload, encodeXIRIPayload } from './asn1/encode-ts33128-payloads.js';
export { formatAsnTree } from './asn1/format-asn-tree.js';

export { encodeProtobufRecord } from './protobuf/encode-protobuf-record.js';
export { readProtobufRecords, type ProtobufRecordEntry } from './protobuf/read-protobuf-records.js';
