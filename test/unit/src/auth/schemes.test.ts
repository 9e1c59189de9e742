import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkPassword, hashPassword, isCleartextScheme, parseStoredPassword, plainSecretOf, verifyPassword } from '../../../../src/auth/schemes.js';
import { CryptPool } from '../../../../src/auth/crypt-pool.js';
import { parseScramHash, deriveScramCredentials } from '../../../../src/auth/scram-keys.js';
import { doveadmAccepts, doveadmHash, mkpasswd } from './tools.js';

const pool = new CryptPool({ size: 2 });
after(() => pool.close());

const PASSWORDS = ['correct horse', 'pâss:wörd €', 'x'];

// Every scheme, checked against hashes Dovecot's own implementation produces at test time.
const DOVEADM_SCHEMES: Array<[string, number?]> = [
  ['PLAIN'],
  ['CLEARTEXT'],
  ['PLAIN.B64'],
  ['PLAIN.HEX'],
  ['SHA512-CRYPT'],
  ['SHA512-CRYPT', 7000],
  ['SHA256-CRYPT'],
  ['SHA256-CRYPT', 10000],
  ['MD5-CRYPT'],
  ['BLF-CRYPT', 5],
  ['ARGON2I'],
  ['ARGON2ID'],
  ['SSHA256'],
  ['SSHA512'],
  ['SSHA512.HEX'],
  ['SSHA'],
  ['SHA512-CRYPT.B64'],
  ['CRYPT'],
  ['SCRAM-SHA-1'],
  ['SCRAM-SHA-256'],
  ['SHA256'],
  ['PLAIN-MD5'],
];

for (const [scheme, rounds] of DOVEADM_SCHEMES) {
  test(`accepts the right password and rejects wrong ones for doveadm ${scheme}${rounds ? ` rounds=${rounds}` : ''}`, async () => {
    for (const pw of scheme.startsWith('ARGON2') ? PASSWORDS.slice(0, 2) : PASSWORDS) {
      const ref = doveadmHash(scheme, pw, rounds);
      assert.ok(ref.toUpperCase().startsWith(`{${scheme}}`), ref);
      assert.deepEqual(await checkPassword(ref, pw, pool), { ok: true }, `${ref} / ${pw}`);
      assert.deepEqual(await checkPassword(ref, `${pw}!`, pool), { ok: false }, ref);
      assert.deepEqual(await checkPassword(ref, pw.slice(0, -1), pool), { ok: false }, ref);
    }
  });
}

test('records rounds= of SHA-crypt hashes from doveadm', () => {
  assert.match(doveadmHash('SHA256-CRYPT', 'x', 10000), /^\{SHA256-CRYPT\}\$5\$rounds=10000\$/);
});

for (const [method, rounds] of [
  ['sha-512', undefined],
  ['sha-512', 6000],
  ['sha-256', undefined],
  ['sha-256', 12000],
  ['md5crypt', undefined],
  ['bcrypt', 5],
  ['bcrypt-a', 5],
] as const) {
  test(`verifies libxcrypt mkpasswd -m ${method}${rounds ? ` -R ${rounds}` : ''} as {CRYPT} and without prefix`, async () => {
    for (const pw of PASSWORDS) {
      const ref = mkpasswd(method, pw, rounds);
      assert.equal((await checkPassword(ref, pw, pool)).ok, true, ref);
      assert.equal((await checkPassword(`{CRYPT}${ref}`, pw, pool)).ok, true, ref);
      assert.equal((await checkPassword(ref, `${pw}.`, pool)).ok, false, ref);
    }
  });
}

test('verifies $2b$ and $2a$ bcrypt under BLF-CRYPT', async () => {
  const b = mkpasswd('bcrypt', 'secret', 5);
  const a = mkpasswd('bcrypt-a', 'secret', 5);
  assert.match(b, /^\$2b\$/);
  assert.match(a, /^\$2a\$/);
  assert.equal((await checkPassword(`{BLF-CRYPT}${b}`, 'secret', pool)).ok, true);
  assert.equal((await checkPassword(`{BLF-CRYPT}${a}`, 'secret', pool)).ok, true);
  assert.equal((await checkPassword(`{BLF-CRYPT}${a}`, 'Secret', pool)).ok, false);
});

test('CRYPT dispatches on the $id$ prefix, including argon2', async () => {
  for (const scheme of ['SHA512-CRYPT', 'SHA256-CRYPT', 'MD5-CRYPT', 'ARGON2ID']) {
    const ref = doveadmHash(scheme, 'pw1');
    const bare = ref.slice(ref.indexOf('}') + 1);
    assert.equal((await checkPassword(`{CRYPT}${bare}`, 'pw1', pool)).ok, true, scheme);
    assert.equal((await checkPassword(bare, 'pw1', pool)).ok, true, scheme);
    assert.equal((await checkPassword(bare, 'pw2', pool)).ok, false, scheme);
  }
});

// The other direction: Dovecot accepts what we write.
const OUR_SCHEMES: Array<[string, number?]> = [
  ['SHA512-CRYPT'],
  ['SHA512-CRYPT', 8000],
  ['SHA256-CRYPT'],
  ['SHA256-CRYPT', 9000],
  ['MD5-CRYPT'],
  ['BLF-CRYPT', 5],
  ['ARGON2ID'],
  ['ARGON2I'],
  ['SSHA256'],
  ['SSHA512'],
  ['SSHA512.HEX'],
  ['SCRAM-SHA-1'],
  ['SCRAM-SHA-256'],
  ['PLAIN'],
  ['PLAIN.B64'],
  ['CLEARTEXT'],
];

for (const [scheme, rounds] of OUR_SCHEMES) {
  test(`hashPassword ${scheme}${rounds ? ` rounds=${rounds}` : ''} is accepted by doveadm pw -t and rejects a wrong password`, async () => {
    const pw = 'pâss:wörd €';
    const ours = await hashPassword(scheme, pw, { rounds, pool });
    assert.ok(ours.startsWith(`{${scheme}}`), ours);
    assert.equal(doveadmAccepts(ours, pw), true, ours);
    assert.equal(doveadmAccepts(ours, 'wrong'), false, ours);
    assert.equal((await checkPassword(ours, pw, pool)).ok, true);
    assert.equal((await checkPassword(ours, 'wrong', pool)).ok, false);
  });
}

test('hashPassword writes the expected formats and parameters', async () => {
  assert.match(await hashPassword('SHA512-CRYPT', 'a', { pool }), /^\{SHA512-CRYPT\}\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  assert.match(await hashPassword('SHA256-CRYPT', 'a', { pool, rounds: 6000 }), /^\{SHA256-CRYPT\}\$5\$rounds=6000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/);
  assert.match(await hashPassword('BLF-CRYPT', 'a', { pool, rounds: 4 }), /^\{BLF-CRYPT\}\$2y\$04\$[./0-9A-Za-z]{53}$/);
  assert.match(await hashPassword('ARGON2ID', 'a'), /^\{ARGON2ID\}\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
  assert.match(await hashPassword('argon2id', 'a', { rounds: 2, memoryKiB: 8192 }), /^\{ARGON2ID\}\$argon2id\$v=19\$m=8192,t=2,p=1\$/);
  assert.match(await hashPassword('SCRAM-SHA-256', 'a'), /^\{SCRAM-SHA-256\}4096,[^,]+,[^,]+,[^,]+$/);
  const two = [await hashPassword('SSHA512', 'a'), await hashPassword('SSHA512', 'a')];
  assert.notEqual(two[0], two[1], 'salted hashes use a fresh salt');
});

test('hashPassword refuses unknown schemes and bad rounds', async () => {
  await assert.rejects(hashPassword('NOPE', 'a'), /unknown password scheme "NOPE"/);
  await assert.rejects(hashPassword('SHA512-CRYPT', 'a', { rounds: 0 }), /rounds/);
  await assert.rejects(hashPassword('SCRAM-SHA-1.HEX', 'a'), /no encoding suffix/);
});

test('unknown schemes and malformed hashes fail with a reason instead of throwing', async () => {
  assert.deepEqual(await checkPassword('{FOO-HASH}abc', 'abc', pool), { ok: false, reason: 'unknown password scheme "FOO-HASH"' });
  const cases = [
    '{SHA512-CRYPT}$6$',
    '{SHA512-CRYPT}$6$salt$hash$extra$x',
    '{CRYPT}abcdefghijklm',
    '{CRYPT}$7$abc',
    '{BLF-CRYPT}$2y$05$short',
    '{ARGON2ID}$argon2id$v=19$m=bad',
    '{SSHA256}AAAA',
    '{SSHA512}not base64!',
    '{SHA256}AAAA',
    '{PLAIN.HEX}zz',
    '{SCRAM-SHA-256}4096,abc',
    '{SCRAM-SHA-1}0,AAAA,AAAA,AAAA',
    '{SCRAM-SHA-1}4096,AAAA,AAAA,AAAA',
    '',
  ];
  for (const stored of cases) {
    const r = await checkPassword(stored, 'anything', pool);
    assert.equal(r.ok, false, stored);
    assert.equal(typeof r.reason, 'string', `${stored} should explain: ${JSON.stringify(r)}`);
  }
  assert.equal(await verifyPassword('{FOO}x', 'x'), false);
});

test('parseStoredPassword splits scheme, encoding suffix and data; no prefix means CRYPT', () => {
  assert.deepEqual(parseStoredPassword('{sha512-crypt}$6$a$b'), { scheme: 'SHA512-CRYPT', encoding: null, data: '$6$a$b' });
  assert.deepEqual(parseStoredPassword('{SSHA512.HEX}00ff'), { scheme: 'SSHA512', encoding: 'hex', data: '00ff' });
  assert.deepEqual(parseStoredPassword('{PLAIN.base64}eA=='), { scheme: 'PLAIN', encoding: 'b64', data: 'eA==' });
  assert.deepEqual(parseStoredPassword('$1$abc$def'), { scheme: 'CRYPT', encoding: null, data: '$1$abc$def' });
  assert.deepEqual(parseStoredPassword('{PLAIN}{x}'), { scheme: 'PLAIN', encoding: null, data: '{x}' });
});

test('plainSecretOf returns the cleartext only for PLAIN/CLEARTEXT stored passwords', () => {
  assert.equal(plainSecretOf('{PLAIN}s3cret'), 's3cret');
  assert.equal(plainSecretOf('{CLEARTEXT}a:b'), 'a:b');
  assert.equal(plainSecretOf(doveadmHash('PLAIN.B64', 'pâss')), 'pâss');
  assert.equal(plainSecretOf(doveadmHash('PLAIN.HEX', 'pâss')), 'pâss');
  assert.equal(plainSecretOf(doveadmHash('SSHA256', 'pâss')), null);
  assert.equal(plainSecretOf('$6$abc$def'), null);
  assert.equal(isCleartextScheme('cleartext'), true);
  assert.equal(isCleartextScheme('SHA512-CRYPT'), false);
});

test('SCRAM keys derived from the password equal the keys doveadm stored', async () => {
  for (const [scheme, hash] of [
    ['SCRAM-SHA-1', 'SHA-1'],
    ['SCRAM-SHA-256', 'SHA-256'],
  ] as const) {
    const ref = doveadmHash(scheme, 'pencil');
    const stored = parseScramHash(hash, ref.slice(scheme.length + 2));
    assert.equal(stored.iterations, 4096);
    const derived = await deriveScramCredentials(hash, 'pencil', stored.salt, stored.iterations);
    assert.deepEqual(derived, stored);
    const wrong = await deriveScramCredentials(hash, 'pencil2', stored.salt, stored.iterations);
    assert.notDeepEqual(wrong.storedKey, stored.storedKey);
  }
});

test('SCRAM-SHA-1 derivation matches the RFC 5802 example salt and password', async () => {
  // RFC 5802 §5: user "user", password "pencil", salt QSXCR+Q6sek8bf92, i=4096. The RFC gives the
  // resulting ServerSignature v0rlcwc7VQRmNnKzBZsbHprKAMo= for its AuthMessage; recompute it.
  const { createHmac } = await import('node:crypto');
  const c = await deriveScramCredentials('SHA-1', 'pencil', Buffer.from('QSXCR+Q6sek8bf92', 'base64'), 4096);
  const authMessage =
    'n=user,r=fyko+d2lbbFgONRv9qkxdawL,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,' +
    'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j';
  const serverSignature = createHmac('sha1', c.serverKey).update(authMessage).digest('base64');
  assert.equal(serverSignature, 'rmF9pqV8S7suAoZWja4dJRkFsKQ=');
});

test('SHA-crypt and bcrypt run in the worker pool, not on the main thread', async () => {
  class CountingPool extends CryptPool {
    calls = 0;
    override async verify(hash: string, password: string): Promise<boolean> {
      this.calls++;
      return super.verify(hash, password);
    }
  }
  const counting = new CountingPool({ size: 1 });
  try {
    const hashes = [doveadmHash('SHA512-CRYPT', 'a'), doveadmHash('SHA256-CRYPT', 'a'), doveadmHash('BLF-CRYPT', 'a', 5), doveadmHash('MD5-CRYPT', 'a')];
    for (const h of hashes) assert.equal((await checkPassword(h, 'a', counting)).ok, true);
    assert.equal(counting.calls, hashes.length);
    // While a cost-10 bcrypt (about 100 ms of pure JS) runs, the main loop keeps turning.
    let ticks = 0;
    let running = true;
    const spin = (): void => {
      ticks++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const slow = await hashPassword('BLF-CRYPT', 'a', { rounds: 10, pool: counting });
    const ok = await checkPassword(slow, 'a', counting);
    running = false;
    assert.equal(ok.ok, true);
    assert.ok(ticks > 20, `event loop turned only ${ticks} times during two bcrypt-10 operations`);
  } finally {
    await counting.close();
  }
});

test('SCRAM hashes verify the raw password (as doveadm writes them) and the SASLprep form (as RFC 5802 does)', async () => {
  // U+00A0 NO-BREAK SPACE is mapped to a space by SASLprep; doveadm does not normalize.
  const raw = 'a\u00a0b';
  for (const scheme of ['SCRAM-SHA-1', 'SCRAM-SHA-256']) {
    const dove = doveadmHash(scheme, raw);
    assert.equal((await checkPassword(dove, raw)).ok, true, `${scheme} from doveadm`);
    assert.equal((await checkPassword(dove, 'a\u00a0c')).ok, false);
    const ours = await hashPassword(scheme, raw);
    assert.equal((await checkPassword(ours, raw)).ok, true, `${scheme} from hashPassword`);
    assert.equal((await checkPassword(ours, 'a b')).ok, true, 'SASLprep-equivalent spelling');
    assert.equal(doveadmAccepts(ours, 'a b'), true, 'our stored keys are those of the normalized password');
  }
});
