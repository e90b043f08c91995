/**
 * One direction's record protection when the key log holds several secrets for the connection's
 * client_random and label (processes forked with one RNG state sent the same ClientHello random
 * on different connections, each logging its own secret). The candidate is chosen by proof, never
 * by guess: the first record that authenticates (AEAD tag, RFC 5116 2.2 / RFC 8446 5.2; CBC MAC,
 * RFC 5246 6.2.3.2) under exactly one candidate fixes it for the rest of the key's life. A record
 * that no candidate opens is a failure as with one key; one that two open (a 2^-128 event for the
 * AEAD tag) fixes none, and {@link TlsCandidateCipher.ambiguous} says so.
 */
import type { DirectionKeys } from './tls-key-schedule.js';
import { type OpenedRecord, TlsRecordDecrypter } from './tls-record-decrypter.js';
import type { TlsSuite } from './tls-cipher-suites.js';

interface Candidate {
  readonly secret: Uint8Array;
  readonly cipher: TlsRecordDecrypter;
}

export class TlsCandidateCipher {
  private live: Candidate[];
  private ambiguousCount = 0;

  /** `keysOf` derives this direction's record keys from one secret; `etm` as for {@link TlsRecordDecrypter}. */
  constructor(suite: TlsSuite, secrets: readonly Uint8Array[], keysOf: (secret: Uint8Array) => DirectionKeys, etm = false) {
    this.live = secrets.map((secret) => ({ secret, cipher: new TlsRecordDecrypter(suite, keysOf(secret), etm) }));
  }

  /** Candidates still in play (1 once a record chose one). */
  get candidates(): number {
    return this.live.length;
  }
  /** The secret in use once a single candidate remains, else null. */
  get secret(): Uint8Array | null {
    return this.live.length === 1 ? this.live[0]!.secret : null;
  }
  /** How many candidates opened the last record when more than one did (then `open` returned null); 0 otherwise. */
  get ambiguous(): number {
    return this.ambiguousCount;
  }

  /**
   * Opens one record. With several candidates each tries it (a failed open does not consume a
   * sequence number, so the losers are unaffected until dropped); exactly one success fixes that
   * candidate. `null`: no candidate authenticated it, or several did (see {@link ambiguous}).
   */
  open(header: Uint8Array, fragment: Uint8Array): OpenedRecord | null {
    if (this.live.length === 1) return this.live[0]!.cipher.open(header, fragment);
    const ok: { c: Candidate; o: OpenedRecord }[] = [];
    for (const c of this.live) {
      const o = c.cipher.open(header, fragment);
      if (o !== null) ok.push({ c, o });
    }
    if (ok.length === 1) {
      this.live = [ok[0]!.c];
      return ok[0]!.o;
    }
    if (ok.length > 1) this.ambiguousCount = ok.length;
    return null;
  }
}
