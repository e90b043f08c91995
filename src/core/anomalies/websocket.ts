/** Anomalies of the websocket layer (RFC 6455 framing, RFC 7692 permessage-deflate, RFC 7118 / RFC 7977 subprotocols). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const WEBSOCKET_ANOMALIES = {
  'websocket.handshake_too_large': { severity: 'warning', mayHideTarget: true, description: 'an HTTP Upgrade request or answer head does not end within the cap; the connection is not decoded' },
  'websocket.handshake_incomplete': { severity: 'warning', mayHideTarget: true, description: 'a WebSocket Upgrade request was seen but not the 101 answer (gap or end of the connection); its frames are not decoded' },
  'websocket.gap': { severity: 'warning', mayHideTarget: true, description: 'bytes of a WebSocket direction were not captured: frame boundaries (and a shared deflate window) are lost, the rest of the direction is not decoded' },
  'websocket.bad_length': { severity: 'error', mayHideTarget: true, description: 'a 64-bit payload length has its most significant bit set (RFC 6455 5.2) or exceeds 2^53; the rest of the direction is not decoded' },
  'websocket.mask_violation': { severity: 'info', mayHideTarget: false, description: 'a client frame is not masked, or a server frame is (RFC 6455 5.1); decoded as the MASK bit says' },
  'websocket.bad_opcode': { severity: 'warning', mayHideTarget: false, description: 'a frame has a reserved opcode (RFC 6455 5.2); its payload was skipped' },
  'websocket.bad_control_frame': { severity: 'warning', mayHideTarget: false, description: 'a control frame is fragmented or longer than 125 bytes (RFC 6455 5.5); its payload was skipped' },
  'websocket.bad_fragmentation': { severity: 'warning', mayHideTarget: true, description: 'a continuation frame without a message in progress, or a new message before the last one ended (RFC 6455 5.4); the bytes involved were dropped' },
  'websocket.bad_rsv': { severity: 'warning', mayHideTarget: true, description: 'RSV bits are set that no negotiated extension defines (RFC 6455 5.2, RFC 7692 6); the message was dropped' },
  'websocket.message_too_large': { severity: 'warning', mayHideTarget: true, description: 'a WebSocket message (or its inflated form) exceeds the cap; it was dropped and counted' },
  'websocket.inflate_failed': { severity: 'warning', mayHideTarget: true, description: 'a permessage-deflate message does not inflate (RFC 7692 7.2.2); it was dropped' },
  'websocket.deflate_context_lost': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a compressed message was lost on a direction with context takeover (RFC 7692 7.2.3): later compressed messages of the direction cannot be inflated and are dropped',
  },
  'websocket.memcap': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'the byte budget shared by all WebSocket connections (handshakes being decided, SIP and compressed messages being collected) was full: the earliest held message or handshake was dropped; the direction stays in step',
  },
  'websocket.message_timeout': { severity: 'warning', mayHideTarget: true, description: 'a WebSocket message being collected got no byte for 60 s of capture time (e.g. a fragment without FIN, RFC 6455 5.4); it was dropped' },
  'websocket.data_after_close': { severity: 'info', mayHideTarget: false, description: 'bytes follow a Close frame in the same direction (RFC 6455 5.5.1); ignored' },
} as const satisfies Record<string, AnomalyDef>;
