/** SIP module: pure parsers for SIP messages, URIs, identities, multipart bodies and SIP-over-TCP framing. */
export { parseSipMessage, MAX_SIP_HEADER_FIELDS, SIP_PAST_CAP, type ParseSipOptions } from './parse-sip-message.js';
export { SipMessage, type SipMessageInit, type HeaderField } from './sip-message.js';
export { SipStreamFramer, DEFAULT_MAX_SIP_MESSAGE_BYTES, type FramedSipMessage, type SipStreamFramerOptions } from './sip-stream-framer.js';
export { SipExcerptCollector, EXCERPT_LIMITS } from './sip-excerpt-collector.js';
export { frameSipMessage, createSipFrameResult, SipFrameStatus, type SipFrameResult, type SipFrameStatusValue } from './frame-sip-message.js';
export { parseStartLine, looksLikeSipStartLine, MAX_START_LINE, type StartLine } from './start-line.js';
export { parseHeaderFields, type HeaderSection, type PastCapRule } from './parse-header-fields.js';
export { canonicalHeaderKey, isListHeader, ESSENTIAL_HEADER_KEYS } from './header-names.js';
export { splitHeaderValues } from './split-header-values.js';
export { parseHeaderParams, unquoteString } from './header-params.js';
export { parseUri, percentDecode, isValidHost, type SipUri, type UriScheme } from './sip-uri.js';
export { parseNameAddr, type NameAddr } from './name-addr.js';
export { parseVia, type SipVia } from './via.js';
export { parseCSeq, type SipCSeq } from './cseq.js';
export { parseContentType, type ContentType } from './content-type.js';
export { normalizeIdentity, e164Key, identityKeys, type IdentityKeys, type KnownUri } from './normalize-identity.js';
export { parseMultipart, MAX_MULTIPART_PARTS, type MimePart } from './parse-multipart.js';
export { findSdp } from './find-sdp.js';
