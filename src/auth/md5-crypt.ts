// MD5-crypt (`$1$salt$hash`), the FreeBSD/glibc scheme Dovecot calls MD5-CRYPT.
//
// Design: the digest is built in three stages: an "alternate" sum of password+salt+password, an
// initial sum mixing password, magic, salt, the alternate sum and a bit-walk of the password
// length, then 1000 rounds that re-hash the previous result with password and salt in an order
// chosen by the round number (odd/even, multiple of 3, multiple of 7). The 16 result bytes are
// then written in a fixed permutation with the crypt base-64 alphabet.
import { createHash, randomBytes } from 'node:crypto';

const MAGIC = '$1$';
const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS = 1000;
const MAX_SALT = 8;

function md5(...parts: Buffer[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Write `count` crypt base-64 characters of the 24-bit value `v`, least significant first. */
function to64(v: number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    out += ALPHABET[v & 0x3f];
    v >>>= 6;
  }
  return out;
}

/** The salt of a `$1$salt$...` string (at most 8 characters, up to the next `$`). */
function saltOf(setting: string): string {
  if (!setting.startsWith(MAGIC)) throw new Error('not an MD5-crypt setting');
  const rest = setting.slice(MAGIC.length);
  const end = rest.indexOf('$');
  return (end < 0 ? rest : rest.slice(0, end)).slice(0, MAX_SALT);
}

/** Hash `password` with the salt taken from `setting` (`$1$salt` or a whole `$1$salt$hash`). */
export function md5Crypt(password: string, setting: string): string {
  const salt = saltOf(setting);
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt, 'utf8');
  const magic = Buffer.from(MAGIC, 'utf8');

  const alternate = md5(pw, s, pw);
  const initial = createHash('md5');
  initial.update(pw).update(magic).update(s);
  for (let left = pw.length; left > 0; left -= 16) initial.update(alternate.subarray(0, Math.min(16, left)));
  const zero = Buffer.alloc(1);
  const first = pw.subarray(0, 1);
  for (let bits = pw.length; bits > 0; bits >>>= 1) initial.update(bits & 1 ? zero : first);
  let sum = initial.digest();

  for (let round = 0; round < ROUNDS; round++) {
    const h = createHash('md5');
    h.update(round & 1 ? pw : sum);
    if (round % 3 !== 0) h.update(s);
    if (round % 7 !== 0) h.update(pw);
    h.update(round & 1 ? sum : pw);
    sum = h.digest();
  }

  const b = sum;
  const encoded =
    to64((b[0] << 16) | (b[6] << 8) | b[12], 4) +
    to64((b[1] << 16) | (b[7] << 8) | b[13], 4) +
    to64((b[2] << 16) | (b[8] << 8) | b[14], 4) +
    to64((b[3] << 16) | (b[9] << 8) | b[15], 4) +
    to64((b[4] << 16) | (b[10] << 8) | b[5], 4) +
    to64(b[11], 2);
  return `${MAGIC}${salt}$${encoded}`;
}

/** A fresh random 8-character MD5-crypt setting (`$1$salt`). */
export function md5CryptSetting(): string {
  const bytes = randomBytes(MAX_SALT);
  let salt = '';
  for (const byte of bytes) salt += ALPHABET[byte & 0x3f];
  return MAGIC + salt;
}
