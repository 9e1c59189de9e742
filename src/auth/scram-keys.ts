// SCRAM keys (RFC 5802 §3): derived from a cleartext password, or read from a Dovecot
// `{SCRAM-SHA-1}` / `{SCRAM-SHA-256}` stored hash (`iterations,salt_b64,storedkey_b64,serverkey_b64`).
import { createHash, createHmac, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import saslprep from '@mongodb-js/saslprep';
import type { ScramCredentials, ScramHash } from './types.js';

const pbkdf2Async = promisify(pbkdf2);

/** Largest iteration count accepted from a stored hash (guards against a typo costing minutes). */
export const MAX_SCRAM_ITERATIONS = 10_000_000;

function nodeHash(hash: ScramHash): 'sha1' | 'sha256' {
  return hash === 'SHA-1' ? 'sha1' : 'sha256';
}

/** Digest length in bytes of the SCRAM hash function. */
export function scramKeyLength(hash: ScramHash): number {
  return hash === 'SHA-1' ? 20 : 32;
}

/** SASLprep a password (RFC 4013); a password SASLprep refuses is used unchanged, as Dovecot does. */
export function normalizePassword(password: string): string {
  try {
    return saslprep(password);
  } catch {
    return password;
  }
}

/**
 * Derive StoredKey and ServerKey from a cleartext password, salt and iteration count. The password
 * is SASLprep-normalized as RFC 5802 asks, unless `normalize` is false (Dovecot's doveadm hashes
 * the raw bytes).
 */
export async function deriveScramCredentials(
  hash: ScramHash,
  password: string,
  salt: Buffer,
  iterations: number,
  normalize = true,
): Promise<ScramCredentials> {
  const algo = nodeHash(hash);
  const salted = await pbkdf2Async(normalize ? normalizePassword(password) : password, salt, iterations, scramKeyLength(hash), algo);
  const clientKey = createHmac(algo, salted).update('Client Key').digest();
  return {
    iterations,
    salt,
    storedKey: createHash(algo).update(clientKey).digest(),
    serverKey: createHmac(algo, salted).update('Server Key').digest(),
  };
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parse the data of a `{SCRAM-SHA-*}` hash; throws with a reason when malformed. */
export function parseScramHash(hash: ScramHash, data: string): ScramCredentials {
  const parts = data.split(',');
  if (parts.length !== 4) throw new Error('SCRAM hash must have 4 comma-separated fields');
  const [iter, salt, stored, server] = parts;
  if (!/^[1-9][0-9]{0,9}$/.test(iter) || Number(iter) > MAX_SCRAM_ITERATIONS) throw new Error('bad SCRAM iteration count');
  for (const f of [salt, stored, server]) if (!B64.test(f)) throw new Error('bad base64 in SCRAM hash');
  const len = scramKeyLength(hash);
  const storedKey = Buffer.from(stored, 'base64');
  const serverKey = Buffer.from(server, 'base64');
  if (storedKey.length !== len || serverKey.length !== len) throw new Error(`SCRAM keys must be ${len} bytes`);
  return { iterations: Number(iter), salt: Buffer.from(salt, 'base64'), storedKey, serverKey };
}

/** Format credentials as Dovecot writes them (the part after `{SCRAM-SHA-*}`). */
export function formatScramHash(c: ScramCredentials): string {
  return [String(c.iterations), c.salt.toString('base64'), c.storedKey.toString('base64'), c.serverKey.toString('base64')].join(',');
}
