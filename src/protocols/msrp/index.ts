/** MSRP module: pure framing, reassembly and body parsers (RFC 4975, 4976, 7701, 3862, 5438, 3994). */
export { parseMsrpUri, parseMsrpUriList, msrpUriKey, formatMsrpUri, type MsrpUri } from './msrp-uri.js';
export { parseByteRange, parseMsrpHeaderLines } from './parse-msrp-header-block.js';
export {
  parseMsrpStatus,
  isMsrpIdent,
  type MsrpByteRange,
  type MsrpStatusHeader,
  type MsrpHeaderField,
  type MsrpHeaders,
} from './msrp-headers.js';
export {
  MSRP_METHODS,
  type MsrpKnownMethod,
  type MsrpEndFlag,
  type MsrpFrameHead,
  type MsrpFrameEnd,
  type MsrpFrameEndReason,
  type MsrpFrameSink,
  type MsrpResyncInfo,
} from './msrp-frame.js';
export { MsrpFramer, type MsrpFramerOptions, type MsrpFramerStats } from './msrp-framer.js';
export { MsrpStartWatch } from './msrp-start-watch.js';
export {
  MsrpMessageAssembler,
  type MsrpMessage,
  type MsrpMessageStatus,
  type MsrpMessageCloseReason,
  type MsrpChunkRecord,
  type MsrpChunkWriter,
  type MsrpMessageRef,
  type MsrpMessageAssemblerOptions,
  type MsrpAssemblerStats,
} from './msrp-message-assembler.js';
export { parseHeaderBlock, headerValue, parseContentType, type MimeHeaderField, type HeaderBlock, type ContentType } from './mime-header-block.js';
export {
  parseCpim,
  parseCpimAddress,
  cpimHeaderValues,
  CPIM_HEADERS_NS,
  IMDN_CPIM_NS,
  type CpimMessage,
  type CpimHeader,
  type CpimAddress,
  type CpimParseOptions,
} from './parse-cpim.js';
export { parseXml, xmlChild, type XmlElement, type XmlError, type XmlLimits } from './xml-scan.js';
export { parseImdn, IMDN_XML_NS, type ImdnDocument, type ImdnNotificationType, type ImdnStatus } from './parse-imdn.js';
export { parseIsComposing, ISCOMPOSING_NS, type IsComposing } from './parse-is-composing.js';
