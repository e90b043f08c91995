/** WebSocket module: pure decoders of the opening handshake head and frames (RFC 6455), permessage-deflate (RFC 7692). */
export { parseHttpHead, looksLikeHttpStart, HeadStatus, MAX_HTTP_HEAD, type HttpHead, type HeadStatusValue, type DeflateParams } from './parse-http-head.js';
export { WebSocketFrameDecoder, DEFAULT_MAX_WS_MESSAGE_BYTES, type WebSocketFrameDecoderOptions } from './websocket-frame-decoder.js';
export type { WebSocketMessageSink } from './websocket-message-collector.js';
export { MessageInflater, InflateStatus, type InflateStatusValue } from './message-inflater.js';
export { WebSocketMemoryBudget, DEFAULT_WS_BUDGET_BYTES, DEFAULT_WS_IDLE_SEC, type WebSocketBudgetHolder } from './websocket-memory-budget.js';
