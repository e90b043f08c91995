/** TLS module: decryption of TLS 1.2 / 1.3 connections with an NSS key log (RFC 5246, RFC 8446): pure. */
export { TlsKeyLog, TLS_KEY_LOG_LABELS, DEFAULT_TLS_KEY_LOG_ENTRIES, type TlsKeyLogLabel, type TlsKeyLogOptions } from './tls-key-log.js';
export { TlsDecryptor, DEFAULT_TLS_MAX_PENDING_BYTES, type TlsDecryptState, type TlsDecryptorOptions, type TlsPlaintext } from './tls-decryptor.js';
export type { TlsFailReason } from './tls-direction.js';
export { looksLikeTlsStart } from './looks-like-tls-start.js';
export { TlsHeldBudget, DEFAULT_TLS_MAX_HELD_BYTES, type TlsHeldBudgetHolder } from './tls-held-budget.js';
