/**
 * The NSS key log (SSLKEYLOGFILE format, as NSS, OpenSSL's keylog callback, node:tls's `keylog`
 * event and Wireshark read it): one `LABEL <client_random hex> <secret hex>` per line, `#`
 * comments. https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/
 *
 * Only the labels msrptap decrypts with are kept; others (CLIENT_EARLY_TRAFFIC_SECRET,
 * EXPORTER_SECRET, RSA, ...) are skipped silently, so no secret is held that is not needed.
 * Key material is secret: it never appears in anomaly details or errors.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { fromHex, toHex } from '../../util/bytes.js';

/** The labels kept: the TLS 1.2 master secret and the TLS 1.3 traffic secrets (RFC 8446 7.1). */
export const TLS_KEY_LOG_LABELS = ['CLIENT_RANDOM', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'] as const;
export type TlsKeyLogLabel = (typeof TLS_KEY_LOG_LABELS)[number];

/** Other labels of the format: skipped without counting them as bad lines. */
const OTHER_LABELS = new Set(['CLIENT_EARLY_TRAFFIC_SECRET', 'EARLY_EXPORTER_SECRET', 'EXPORTER_SECRET', 'RSA', 'SERVER_RANDOM']);

export const DEFAULT_TLS_KEY_LOG_ENTRIES = 100_000;
/**
 * Distinct secrets kept per entry. Processes forked from one parent (Kamailio's TCP workers) can
 * share their RNG state and send the same ClientHello random on different connections, so one
 * (label, client_random) may name several secrets; the decryptor picks the one whose first record
 * authenticates. Beyond this many the oldest is dropped (`tls.keylog_secrets_capped`).
 */
export const MAX_TLS_KEY_LOG_SECRETS = 8;
/** A line longer than this is not a key log line (the longest, SHA-384 secrets, is ~180 chars). */
const MAX_LINE = 1024;

export interface TlsKeyLogOptions {
  /** Cap on the entries kept (one entry: one label of one client_random); oldest evicted. */
  readonly maxEntries?: number;
  /** Where bad lines, evictions and the per-entry secret cap are reported (`tls.keylog_bad_line`, `tls.keylog_evicted`, `tls.keylog_secrets_capped`). */
  readonly anomalies?: AnomalySink;
}

const HEX_RE = /^[0-9a-fA-F]+$/;

/** Secrets by `label client_random(hex)`, each entry its distinct secrets oldest first; see the module comment. */
export class TlsKeyLog {
  private readonly map = new Map<string, Uint8Array[]>();
  private partial = '';
  private bad = 0;
  private evictedCount = 0;
  private cappedCount = 0;
  private readonly maxEntries: number;
  private readonly anomalies: AnomalySink | undefined;

  constructor(opts: TlsKeyLogOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_TLS_KEY_LOG_ENTRIES);
    this.anomalies = opts.anomalies;
  }

  get entries(): number {
    return this.map.size;
  }
  get badLines(): number {
    return this.bad;
  }
  get evicted(): number {
    return this.evictedCount;
  }
  /** Secrets dropped because one entry already had {@link MAX_TLS_KEY_LOG_SECRETS}. */
  get secretsCapped(): number {
    return this.cappedCount;
  }

  /**
   * Parses complete lines of `text`; `text` may be a chunk of a growing file: a last line without
   * its newline is kept (bounded) and completed by the next call. Call {@link flush} at the end
   * of a file that does not end with a newline.
   */
  ingest(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const line = this.partial.length > 0 ? this.partial + text.slice(start, nl) : text.slice(start, nl);
      this.partial = '';
      this.line(line);
      start = nl + 1;
    }
    const rest = text.slice(start);
    // A partial line longer than any valid one is kept only up to the cap (it will be a bad line).
    this.partial = (this.partial + rest).slice(0, MAX_LINE + 1);
  }

  /** Parses a pending last line that had no newline (end of a file). */
  flush(): void {
    const line = this.partial;
    this.partial = '';
    if (line.length > 0) this.line(line);
  }

  /** The first secret logged for `clientRandom` (32 bytes) under `label`, if any. The returned array is the stored one: do not modify it. */
  lookup(clientRandom: Uint8Array, label: string): Uint8Array | undefined {
    return this.lookupAll(clientRandom, label)[0];
  }

  /** Every distinct secret logged for `clientRandom` under `label`, oldest first (at most {@link MAX_TLS_KEY_LOG_SECRETS}); stored arrays, do not modify. */
  lookupAll(clientRandom: Uint8Array, label: string): readonly Uint8Array[] {
    if (clientRandom.length !== 32) return [];
    return this.map.get(`${label} ${toHex(clientRandom)}`) ?? [];
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed.length === 0 || trimmed.startsWith('#')) return;
    const parts = trimmed.split(/\s+/);
    const label = parts[0]!;
    if (OTHER_LABELS.has(label) && parts.length === 3) return;
    const known = (TLS_KEY_LOG_LABELS as readonly string[]).includes(label);
    const cr = parts[1] ?? '';
    const secret = parts[2] ?? '';
    // CLIENT_RANDOM carries the 48-byte master secret (RFC 5246 8.1); the TLS 1.3 secrets are Hash.length bytes (32 or 48).
    const secretOk = label === 'CLIENT_RANDOM' ? secret.length === 96 : secret.length === 64 || secret.length === 96;
    if (!known || parts.length !== 3 || line.length > MAX_LINE || cr.length !== 64 || !HEX_RE.test(cr) || !secretOk || !HEX_RE.test(secret)) {
      this.bad++;
      this.anomalies?.report('tls.keylog_bad_line', undefined, known ? `label=${label} fields=${parts.length}` : `fields=${parts.length}`);
      return;
    }
    const key = `${label} ${cr.toLowerCase()}`;
    const value = fromHex(secret);
    const secrets = this.map.get(key) ?? [];
    // Re-logging an entry refreshes it (moves it to the young end of the eviction order); a new secret under it is one more candidate.
    this.map.delete(key);
    this.map.set(key, secrets);
    if (!secrets.some((s) => s.length === value.length && s.every((b, i) => b === value[i]))) {
      secrets.push(value);
      if (secrets.length > MAX_TLS_KEY_LOG_SECRETS) {
        secrets.shift();
        this.cappedCount++;
        this.anomalies?.report('tls.keylog_secrets_capped', undefined, `label=${label} secrets=${MAX_TLS_KEY_LOG_SECRETS}`);
      }
    }
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.evictedCount++;
      this.anomalies?.report('tls.keylog_evicted', undefined, `entries=${this.maxEntries}`);
    }
  }
}
