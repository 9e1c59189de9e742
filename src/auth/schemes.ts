// Password schemes as Dovecot stores them: `{SCHEME}data`, `{SCHEME.B64}` / `{SCHEME.HEX}` for an
// explicit encoding, and no prefix meaning CRYPT (dispatched on the `$id$` of the crypt string).
//
// Design: every scheme turns its stored data into raw bytes (through its default encoding or the
// one named by the suffix) and then checks the password against those bytes. Slow synchronous
// crypt(3) work runs in the crypt worker pool, argon2 in libuv's pool, PBKDF2 asynchronously; every
// comparison of secrets is constant-time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as argon2 from '@node-rs/argon2';
import { CryptPoolError, sharedCryptPool, type CryptPool } from './crypt-pool.js';
import { cryptKind, type CryptKind } from './crypt-sync.js';
import { deriveScramCredentials, formatScramHash, normalizePassword, parseScramHash } from './scram-keys.js';
import type { ScramHash } from './types.js';

type Encoding = 'none' | 'b64' | 'hex';
type Kind = 'plain' | 'crypt' | 'digest' | 'salted' | 'scram';

interface SchemeInfo {
  kind: Kind;
  encoding: Encoding;
  /** node:crypto digest for digest/salted schemes, SCRAM hash name for scram. */
  algo?: string;
  /** Crypt variant made by hashPassword for crypt schemes. */
  make?: CryptKind | 'argon2i' | 'argon2id';
}

const SCHEMES: Readonly<Record<string, SchemeInfo>> = {
  PLAIN: { kind: 'plain', encoding: 'none' },
  CLEARTEXT: { kind: 'plain', encoding: 'none' },
  CLEAR: { kind: 'plain', encoding: 'none' },
  CRYPT: { kind: 'crypt', encoding: 'none', make: 'sha512' },
  'MD5-CRYPT': { kind: 'crypt', encoding: 'none', make: 'md5' },
  MD5: { kind: 'crypt', encoding: 'none', make: 'md5' },
  'SHA256-CRYPT': { kind: 'crypt', encoding: 'none', make: 'sha256' },
  'SHA512-CRYPT': { kind: 'crypt', encoding: 'none', make: 'sha512' },
  'BLF-CRYPT': { kind: 'crypt', encoding: 'none', make: 'bcrypt' },
  ARGON2I: { kind: 'crypt', encoding: 'none', make: 'argon2i' },
  ARGON2ID: { kind: 'crypt', encoding: 'none', make: 'argon2id' },
  SHA: { kind: 'digest', encoding: 'b64', algo: 'sha1' },
  SHA1: { kind: 'digest', encoding: 'b64', algo: 'sha1' },
  SHA256: { kind: 'digest', encoding: 'b64', algo: 'sha256' },
  SHA512: { kind: 'digest', encoding: 'b64', algo: 'sha512' },
  'PLAIN-MD5': { kind: 'digest', encoding: 'hex', algo: 'md5' },
  'LDAP-MD5': { kind: 'digest', encoding: 'b64', algo: 'md5' },
  SSHA: { kind: 'salted', encoding: 'b64', algo: 'sha1' },
  SSHA256: { kind: 'salted', encoding: 'b64', algo: 'sha256' },
  SSHA512: { kind: 'salted', encoding: 'b64', algo: 'sha512' },
  SMD5: { kind: 'salted', encoding: 'b64', algo: 'md5' },
  'SCRAM-SHA-1': { kind: 'scram', encoding: 'none', algo: 'SHA-1' },
  'SCRAM-SHA-256': { kind: 'scram', encoding: 'none', algo: 'SHA-256' },
};

/** Schemes `hashPassword` can produce (all known schemes). */
export const HASH_SCHEMES: readonly string[] = Object.keys(SCHEMES);

/** A stored password split into scheme, explicit encoding suffix and data. */
export interface StoredPassword {
  /** Upper-case scheme name without suffix (`SHA512-CRYPT`); `CRYPT` when there was no prefix. */
  readonly scheme: string;
  /** Encoding named by a `.B64`/`.BASE64`/`.HEX` suffix, or null for the scheme's default. */
  readonly encoding: 'b64' | 'hex' | null;
  /** Everything after the `{...}` prefix. */
  readonly data: string;
}

/** Outcome of a password check: `reason` explains a failure that is not a simple mismatch. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly reason?: string;
}

/** Options of `hashPassword`. */
export interface HashOptions {
  /** SHA-crypt rounds, bcrypt cost, argon2 time cost or SCRAM iterations. */
  rounds?: number;
  /** Argon2 memory in KiB. */
  memoryKiB?: number;
  /** Crypt worker pool to use (default: the shared one). */
  pool?: CryptPool;
}

/** Split `{SCHEME.ENC}data`; a value without a `{...}` prefix is CRYPT, as in Dovecot's passwd-file. */
export function parseStoredPassword(stored: string): StoredPassword {
  const m = /^\{([^{}]+)\}/.exec(stored);
  if (!m) return { scheme: 'CRYPT', encoding: null, data: stored };
  const data = stored.slice(m[0].length);
  const name = m[1].toUpperCase();
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const suffix = name.slice(dot + 1);
    if (suffix === 'B64' || suffix === 'BASE64') return { scheme: name.slice(0, dot), encoding: 'b64', data };
    if (suffix === 'HEX') return { scheme: name.slice(0, dot), encoding: 'hex', data };
  }
  return { scheme: name, encoding: null, data };
}

/** True when the scheme stores the cleartext (PLAIN, CLEARTEXT, CLEAR). */
export function isCleartextScheme(scheme: string): boolean {
  return SCHEMES[scheme.toUpperCase()]?.kind === 'plain';
}

function decode(data: string, encoding: Encoding): Buffer {
  if (encoding === 'none') return Buffer.from(data, 'utf8');
  if (encoding === 'hex') {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(data)) throw new Error('invalid hex encoding');
    return Buffer.from(data, 'hex');
  }
  const clean = data.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new Error('invalid base64 encoding');
  return Buffer.from(clean, 'base64');
}

function encode(raw: Buffer, encoding: Encoding): string {
  if (encoding === 'hex') return raw.toString('hex');
  if (encoding === 'b64') return raw.toString('base64');
  return raw.toString('utf8');
}

/** Constant-time equality for values whose length is not secret (digests). */
function equalDigests(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Constant-time equality that hides the length too (cleartext secrets). */
function equalSecrets(a: Buffer, b: Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** The cleartext of a `{PLAIN}`/`{CLEARTEXT}` stored password (with `.B64`/`.HEX`), else null. */
export function plainSecretOf(stored: string): string | null {
  const p = parseStoredPassword(stored);
  const info = SCHEMES[p.scheme];
  if (info?.kind !== 'plain') return null;
  try {
    return decode(p.data, p.encoding ?? info.encoding).toString('utf8');
  } catch {
    return null;
  }
}

async function verifyCryptString(hash: string, password: string, pool: CryptPool): Promise<VerifyResult> {
  if (hash.startsWith('$argon2')) {
    return { ok: await argon2.verify(hash, password) };
  }
  if (cryptKind(hash) === null) {
    return { ok: false, reason: `unsupported crypt variant ${JSON.stringify(hash.slice(0, 4))}` };
  }
  return { ok: await pool.verify(hash, password) };
}

/**
 * Check `password` against a stored `{SCHEME}hash`. Bad or unknown hashes give `ok: false` with a
 * reason; only a failure of the crypt pool itself (CryptPoolError) is thrown.
 */
export async function checkPassword(stored: string, password: string, pool: CryptPool = sharedCryptPool()): Promise<VerifyResult> {
  const p = parseStoredPassword(stored);
  const info = SCHEMES[p.scheme];
  if (!info) return { ok: false, reason: `unknown password scheme ${JSON.stringify(p.scheme)}` };
  try {
    const pw = Buffer.from(password, 'utf8');
    switch (info.kind) {
      case 'plain':
        return { ok: equalSecrets(decode(p.data, p.encoding ?? info.encoding), pw) };
      case 'crypt':
        return await verifyCryptString(decode(p.data, p.encoding ?? 'none').toString('utf8'), password, pool);
      case 'digest': {
        const algo = info.algo ?? 'sha256';
        const len = createHash(algo).digest().length;
        // Like Dovecot, accept hex for a default-base64 digest when the length says so.
        const enc = p.encoding ?? (p.data.length === len * 2 && /^[0-9a-fA-F]+$/.test(p.data) ? 'hex' : info.encoding);
        const raw = decode(p.data, enc);
        if (raw.length !== len) return { ok: false, reason: `${p.scheme} hash has wrong length` };
        return { ok: equalDigests(createHash(algo).update(pw).digest(), raw) };
      }
      case 'salted': {
        const algo = info.algo ?? 'sha256';
        const len = createHash(algo).digest().length;
        const raw = decode(p.data, p.encoding ?? info.encoding);
        if (raw.length <= len) return { ok: false, reason: `${p.scheme} hash too short` };
        const salt = raw.subarray(len);
        return { ok: equalDigests(createHash(algo).update(pw).update(salt).digest(), raw.subarray(0, len)) };
      }
      case 'scram': {
        const hash = info.algo as ScramHash;
        const want = parseScramHash(hash, p.data);
        // doveadm hashes the raw password, RFC 5802 the SASLprep-normalized one: accept either.
        const candidates = [false, ...(normalizePassword(password) !== password ? [true] : [])];
        let ok = false;
        for (const normalize of candidates) {
          const got = await deriveScramCredentials(hash, password, want.salt, want.iterations, normalize);
          const a = equalDigests(got.storedKey, want.storedKey);
          const b = equalDigests(got.serverKey, want.serverKey);
          ok ||= a && b;
        }
        return { ok };
      }
    }
  } catch (err) {
    // An overloaded or closed pool is not a verdict on the password: let the caller see it.
    if (err instanceof CryptPoolError) throw err;
    return { ok: false, reason: `malformed ${p.scheme} hash: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Check `password` against a stored `{SCHEME}hash`. Unknown schemes and bad data give false. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  return (await checkPassword(stored, password)).ok;
}

async function makeRaw(scheme: string, info: SchemeInfo, password: string, options: HashOptions): Promise<Buffer> {
  const pw = Buffer.from(password, 'utf8');
  switch (info.kind) {
    case 'plain':
      return pw;
    case 'crypt': {
      const make = info.make ?? 'sha512';
      if (make === 'argon2i' || make === 'argon2id') {
        // Dovecot's defaults: ARGON2I m=32768,t=4; ARGON2ID m=65536,t=3; one lane.
        const id = make === 'argon2id';
        const hash = await argon2.hash(password, {
          algorithm: id ? 2 : 1,
          memoryCost: options.memoryKiB ?? (id ? 65536 : 32768),
          timeCost: options.rounds ?? (id ? 3 : 4),
          parallelism: 1,
        });
        return Buffer.from(hash, 'utf8');
      }
      return Buffer.from(await (options.pool ?? sharedCryptPool()).hash(make, password, options.rounds), 'utf8');
    }
    case 'digest':
      return createHash(info.algo ?? 'sha256').update(pw).digest();
    case 'salted': {
      const salt = randomBytes(8);
      return Buffer.concat([createHash(info.algo ?? 'sha256').update(pw).update(salt).digest(), salt]);
    }
    case 'scram': {
      const c = await deriveScramCredentials(info.algo as ScramHash, password, randomBytes(16), options.rounds ?? 4096);
      return Buffer.from(formatScramHash(c), 'utf8');
    }
  }
  throw new Error(`cannot hash with ${scheme}`);
}

/**
 * Hash a password for the passwd-file: returns `{SCHEME}hash` (or `{SCHEME.B64}`/`{SCHEME.HEX}` when
 * asked). Throws for an unknown scheme.
 */
export async function hashPassword(scheme: string, password: string, options: HashOptions = {}): Promise<string> {
  const p = parseStoredPassword(`{${scheme}}`);
  const info = SCHEMES[p.scheme];
  if (!info) throw new Error(`unknown password scheme ${JSON.stringify(scheme)}`);
  if (info.kind === 'scram' && p.encoding) throw new Error(`${p.scheme} takes no encoding suffix`);
  if (options.rounds !== undefined && (!Number.isInteger(options.rounds) || options.rounds < 1)) {
    throw new Error('rounds must be a positive integer');
  }
  const raw = await makeRaw(p.scheme, info, password, options);
  const suffix = p.encoding === 'b64' ? '.B64' : p.encoding === 'hex' ? '.HEX' : '';
  return `{${p.scheme}${suffix}}${encode(raw, p.encoding ?? info.encoding)}`;
}
