// The CPU-heavy synchronous crypt(3) family, dispatched on the `$id$` prefix. Runs inside the
// crypt worker threads (crypt-worker.ts), never on the main event loop.
import { timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { encrypt as shaCrypt } from 'unixcrypt';
import { md5Crypt, md5CryptSetting } from './md5-crypt.js';

/** The crypt(3) variants we can compute here; argon2 is handled natively elsewhere. */
export type CryptKind = 'md5' | 'sha256' | 'sha512' | 'bcrypt';

/** Which variant a crypt string uses, from its `$id$` prefix; null when unsupported. */
export function cryptKind(hash: string): CryptKind | null {
  if (hash.startsWith('$1$')) return 'md5';
  if (hash.startsWith('$5$')) return 'sha256';
  if (hash.startsWith('$6$')) return 'sha512';
  if (/^\$2[aby]\$\d\d\$/.test(hash)) return 'bcrypt';
  return null;
}

/** Constant-time comparison of two crypt strings of possibly different length. */
function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/** The `$id$[rounds=N$]salt` part of a SHA-crypt string, without the trailing hash. */
function shaSetting(hash: string): string {
  const parts = hash.split('$');
  // ['', id, (rounds=N,) salt, hash]
  if (parts.length === 5 && parts[2].startsWith('rounds=')) return parts.slice(0, 4).join('$');
  if (parts.length === 4) return parts.slice(0, 3).join('$');
  throw new Error('malformed SHA-crypt string');
}

/** Verify `password` against a crypt string. Throws for unsupported or malformed strings. */
export function cryptVerifySync(hash: string, password: string): boolean {
  switch (cryptKind(hash)) {
    case 'md5':
      return sameString(md5Crypt(password, hash), hash);
    case 'sha256':
    case 'sha512':
      return sameString(shaCrypt(password, shaSetting(hash)), hash);
    case 'bcrypt':
      if (hash.length !== 60) throw new Error('malformed bcrypt string');
      // bcryptjs compares in constant time; $2y$ and $2b$ are the same algorithm as $2a$ fixed.
      return bcrypt.compareSync(password, hash);
    default:
      throw new Error(`unsupported crypt prefix ${JSON.stringify(hash.slice(0, 4))}`);
  }
}

/** A new crypt string. `rounds` is SHA-crypt rounds (default 5000) or the bcrypt cost (default 10). */
export function cryptHashSync(kind: CryptKind, password: string, rounds?: number): string {
  switch (kind) {
    case 'md5':
      return md5Crypt(password, md5CryptSetting());
    case 'sha256':
    case 'sha512': {
      const id = kind === 'sha256' ? '5' : '6';
      // unixcrypt picks a random salt when the setting has none.
      return shaCrypt(password, rounds === undefined ? `$${id}` : `$${id}$rounds=${rounds}`);
    }
    case 'bcrypt': {
      // Dovecot writes $2y$; the algorithm is identical to $2b$ for all passwords.
      const salt = bcrypt.genSaltSync(rounds ?? 10);
      return bcrypt.hashSync(password, salt).replace(/^\$2[ab]\$/, '$2y$');
    }
  }
}
