import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Authenticator, openAuthenticator } from '../../../../src/auth/authenticator.js';
import { ConfigError, StartupError } from '../../../../src/errors.js';
import { CryptBusyError, CryptPool } from '../../../../src/auth/crypt-pool.js';
import { PasswdFile } from '../../../../src/auth/passwd-file.js';
import { AuthPenalty } from '../../../../src/auth/penalty.js';
import { checkPassword, parseStoredPassword, type VerifyResult } from '../../../../src/auth/schemes.js';
import { parseScramHash } from '../../../../src/auth/scram-keys.js';
import { doveadmHash, memoryLogger, runTool } from './tools.js';

let dir: string;
const hashes: Record<string, string> = {};

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  hashes.alice = doveadmHash('SHA512-CRYPT', 'alice-pw');
  hashes.carol = doveadmHash('SCRAM-SHA-256', 'carol-pw');
  hashes.erin = doveadmHash('BLF-CRYPT', 'erin-pw', 5);
  hashes.frank = doveadmHash('SHA512-CRYPT', 'frank-pw');
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function writePasswd(name: string, lines: string[]): Promise<PasswdFile> {
  const file = path.join(dir, name);
  await fs.writeFile(file, `${lines.join('\n')}\n`);
  const pf = new PasswdFile(file, { defaultHome: (u) => `/var/vmail/${u}` });
  await pf.load();
  return pf;
}

function standardLines(): string[] {
  return [
    `alice:${hashes.alice}:1001:1001::/home/alice::userdb_mail=maildir:~/Maildir`,
    'bob:{PLAIN}bob-pw',
    `carol:${hashes.carol}`,
    'dave::::',
    `erin@example.org:${hashes.erin}:2000:2000`,
    `frank:${hashes.frank}`,
  ];
}

/** An Authenticator whose password checks are counted, with the stored scheme of each. */
async function setup(lines = standardLines(), name = 'passwd') {
  const users = await writePasswd(name, lines);
  const log = memoryLogger();
  const calls: string[] = [];
  let t = 0;
  const slept: number[] = [];
  const penalty = new AuthPenalty({
    maxSeconds: 15,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  });
  const auth = new Authenticator({
    users,
    penalty,
    logger: log.logger,
    check: async (stored: string, password: string): Promise<VerifyResult> => {
      calls.push(parseStoredPassword(stored).scheme);
      return checkPassword(stored, password);
    },
  });
  return { auth, log, calls, slept, penalty };
}

test('a right password gives the user with uid, gid, home and extra fields', async () => {
  const { auth } = await setup();
  assert.deepEqual(await auth.verifyPassword('alice', 'alice-pw'), {
    username: 'alice',
    uid: 1001,
    gid: 1001,
    home: '/home/alice',
    extra: { userdb_mail: 'maildir:~/Maildir' },
  });
  assert.deepEqual(await auth.verifyPassword('erin@example.org', 'erin-pw'), {
    username: 'erin@example.org',
    uid: 2000,
    gid: 2000,
    home: '/var/vmail/erin@example.org',
    extra: {},
  });
  assert.equal((await auth.verifyPassword('bob', 'bob-pw'))?.username, 'bob');
  assert.equal((await auth.verifyPassword('carol', 'carol-pw'))?.username, 'carol');
});

test('unknown user, wrong password and empty stored password give the same null', async () => {
  const { auth } = await setup();
  assert.equal(await auth.verifyPassword('alice', 'wrong'), null);
  assert.equal(await auth.verifyPassword('nobody', 'wrong'), null);
  assert.equal(await auth.verifyPassword('Alice', 'alice-pw'), null, 'case-sensitive');
  assert.equal(await auth.verifyPassword('dave', ''), null);
  assert.equal(await auth.verifyPassword('dave', 'anything'), null);
});

test('an unknown user costs one check against a hash of the same scheme as real users', async () => {
  const { auth, calls } = await setup();
  await auth.verifyPassword('alice', 'wrong');
  const wrong = calls.splice(0);
  await auth.verifyPassword('nobody', 'wrong');
  const unknown = calls.splice(0);
  await auth.verifyPassword('dave', 'x');
  const empty = calls.splice(0);
  assert.deepEqual(wrong, ['SHA512-CRYPT']);
  assert.deepEqual(unknown, wrong);
  assert.deepEqual(empty, wrong);
});

test('the unknown-user decoy has the same cost parameters as the real hashes', async () => {
  // Users hashed with 20000 SHA-crypt rounds: the decoy must be one of them, not a cheaper hash.
  const costly = doveadmHash('SHA512-CRYPT', 'pw', 20000);
  const users = await writePasswd('passwd-rounds', [`u1:${costly}`, 'u2:{PLAIN}x']);
  assert.equal(users.decoy, costly);
  const seen: string[] = [];
  const auth = new Authenticator({
    users,
    penalty: new AuthPenalty({ maxSeconds: 15 }),
    check: async (stored, password) => {
      seen.push(stored);
      return checkPassword(stored, password);
    },
  });
  assert.equal(await auth.verifyPassword('ghost', 'pw'), null, 'the decoy never authenticates anyone');
  assert.deepEqual(seen, [costly]);
});

test('with no hashed users the unknown-user path still performs a SHA512-CRYPT check', async () => {
  const { auth, calls } = await setup(['# empty'], 'passwd-empty');
  assert.equal(await auth.verifyPassword('ghost', 'pw'), null);
  assert.deepEqual(calls, ['SHA512-CRYPT']);
});

test('plainSecret returns the secret only for PLAIN/CLEARTEXT users', async () => {
  const { auth } = await setup([...standardLines(), 'gina:{CLEARTEXT}gina-pw:::::', 'hank:{PLAIN.B64}aGFuay1wdw=='], 'passwd-plain');
  assert.deepEqual(await auth.plainSecret('bob'), { user: { username: 'bob', home: '/var/vmail/bob', extra: {} }, secret: 'bob-pw' });
  assert.equal((await auth.plainSecret('gina'))?.secret, 'gina-pw');
  assert.equal((await auth.plainSecret('hank'))?.secret, 'hank-pw');
  assert.equal(await auth.plainSecret('alice'), null);
  assert.equal(await auth.plainSecret('carol'), null);
  assert.equal(await auth.plainSecret('dave'), null);
  assert.equal(await auth.plainSecret('nobody'), null);
});

test('warns once per user whose password is stored in cleartext, and never logs a password', async () => {
  const { auth, log } = await setup();
  await auth.verifyPassword('bob', 'bob-pw');
  await auth.verifyPassword('bob', 'bob-pw');
  await auth.plainSecret('bob');
  await auth.verifyPassword('alice', 'alice-pw');
  await auth.verifyPassword('alice', 'not-the-pw');
  await auth.scramCredentials('bob', 'SHA-1');
  const warnings = log.lines().filter((l) => typeof l.msg === 'string' && l.msg.includes('cleartext'));
  assert.deepEqual(
    warnings.map((w) => w.user),
    ['bob'],
  );
  const all = JSON.stringify(log.lines());
  for (const secret of ['bob-pw', 'alice-pw', 'not-the-pw', hashes.alice]) assert.ok(!all.includes(secret), `log contains ${secret}`);
});

test('an unusable stored hash is logged with a reason and fails', async () => {
  const { auth, log } = await setup(['zed:{NOSUCH}abc'], 'passwd-bad');
  assert.equal(await auth.verifyPassword('zed', 'abc'), null);
  const w = log.lines().find((l) => l.msg === 'stored password unusable');
  assert.equal(w?.user, 'zed');
  assert.match(String(w?.reason), /unknown password scheme "NOSUCH"/);
});

test('scramCredentials reads a stored SCRAM hash of the same hash function', async () => {
  const { auth } = await setup();
  const got = await auth.scramCredentials('carol', 'SHA-256');
  assert.equal(got?.user.username, 'carol');
  assert.deepEqual(got?.credentials, parseScramHash('SHA-256', hashes.carol.slice('{SCRAM-SHA-256}'.length)));
  assert.equal(await auth.scramCredentials('carol', 'SHA-1'), null, 'a SHA-256 hash cannot serve SCRAM-SHA-1');
  assert.equal(await auth.scramCredentials('alice', 'SHA-256'), null, 'a crypt hash cannot serve SCRAM');
  assert.equal(await auth.scramCredentials('dave', 'SHA-256'), null);
  assert.equal(await auth.scramCredentials('nobody', 'SHA-256'), null);
});

/** StoredKey and ServerKey computed by Python's hashlib/hmac, an independent implementation. */
function pythonScram(hash: 'sha1' | 'sha256', password: string, salt: Buffer, iterations: number): { storedKey: string; serverKey: string } {
  const script = [
    'import hashlib, hmac, sys, base64',
    `h = '${hash}'`,
    'pw = sys.argv[1].encode()',
    'salt = base64.b64decode(sys.argv[2])',
    'sp = hashlib.pbkdf2_hmac(h, pw, salt, int(sys.argv[3]))',
    "ck = hmac.new(sp, b'Client Key', h).digest()",
    "print(base64.b64encode(hashlib.new(h, ck).digest()).decode())",
    "print(base64.b64encode(hmac.new(sp, b'Server Key', h).digest()).decode())",
  ].join('\n');
  const r = runTool('python3', ['-c', script, password, salt.toString('base64'), String(iterations)]);
  assert.equal(r.status, 0, r.stderr);
  const [storedKey, serverKey] = r.stdout.trim().split('\n');
  return { storedKey, serverKey };
}

test('scramCredentials derives keys from a cleartext secret with a stable per-user salt and 4096 iterations', async () => {
  const { auth } = await setup();
  for (const [hash, py] of [
    ['SHA-1', 'sha1'],
    ['SHA-256', 'sha256'],
  ] as const) {
    const a = await auth.scramCredentials('bob', hash);
    assert.ok(a);
    assert.equal(a.credentials.iterations, 4096);
    assert.equal(a.credentials.salt.length, 16);
    const ref = pythonScram(py, 'bob-pw', a.credentials.salt, 4096);
    assert.equal(a.credentials.storedKey.toString('base64'), ref.storedKey);
    assert.equal(a.credentials.serverKey.toString('base64'), ref.serverKey);
    const again = await auth.scramCredentials('bob', hash);
    assert.deepEqual(again?.credentials.salt, a.credentials.salt, 'salt is stable for the user');
  }
  const gina = await setup(['gina:{PLAIN}same', 'hugo:{PLAIN}same'], 'passwd-salts');
  const g = await gina.auth.scramCredentials('gina', 'SHA-256');
  const h = await gina.auth.scramCredentials('hugo', 'SHA-256');
  assert.notDeepEqual(g?.credentials.salt, h?.credentials.salt, 'different users get different salts');
});

test('SCRAM keys from a cleartext secret are SASLprep-normalized', async () => {
  // U+00A0 (no-break space) maps to a space under SASLprep (RFC 4013 §2.1).
  const { auth } = await setup(['nina:{PLAIN}a\u00a0b'], 'passwd-saslprep');
  const c = await auth.scramCredentials('nina', 'SHA-256');
  assert.ok(c);
  const ref = pythonScram('sha256', 'a b', c.credentials.salt, 4096);
  assert.equal(c.credentials.storedKey.toString('base64'), ref.storedKey);
});

test('attempt waits the penalty, counts failures per client and resets on success', async () => {
  const { auth, slept, penalty } = await setup();
  const ip = '192.0.2.10';
  for (let i = 0; i < 5; i++) {
    assert.equal(await auth.attempt(ip, () => auth.verifyPassword('nobody', 'x')), null);
  }
  assert.deepEqual(slept, [2000, 4000, 8000, 15000]);
  assert.equal(penalty.penaltySeconds(ip), 15);
  assert.equal(penalty.penaltySeconds('192.0.2.11'), 0, 'other clients are not penalized');
  const user = await auth.attempt(ip, () => auth.verifyPassword('alice', 'alice-pw'));
  assert.equal(user?.username, 'alice');
  assert.equal(slept.at(-1), 15000, 'the successful attempt still waited');
  assert.equal(penalty.penaltySeconds(ip), 0, 'success resets');
});

test('attempt lets errors through without counting them as failures', async () => {
  const { auth, penalty } = await setup();
  await assert.rejects(
    auth.attempt('192.0.2.20', async () => {
      throw new Error('storage down');
    }),
    /storage down/,
  );
  assert.equal(penalty.penaltySeconds('192.0.2.20'), 0);
});

test('the passwd-file change is seen by the authenticator', async () => {
  let now = 0;
  const file = path.join(dir, 'passwd-live');
  await fs.writeFile(file, 'ivan:{PLAIN}old\n');
  const users = new PasswdFile(file, { defaultHome: (u) => `/h/${u}`, now: () => now });
  await users.load();
  const auth = new Authenticator({ users, penalty: new AuthPenalty({ maxSeconds: 15 }) });
  assert.ok(await auth.verifyPassword('ivan', 'old'));
  await fs.writeFile(file, 'ivan:{PLAIN}new-pw\n');
  now = 10_000;
  assert.equal(await auth.verifyPassword('ivan', 'old'), null);
  assert.ok(await auth.verifyPassword('ivan', 'new-pw'));
});

test('passwords over the length limit fail without hashing, whoever the user', async () => {
  const users = await writePasswd('passwd-long', [`alice:${hashes.alice}`, `long:{PLAIN}${'p'.repeat(40)}`]);
  let checks = 0;
  const auth = new Authenticator({
    users,
    penalty: new AuthPenalty({ maxSeconds: 15 }),
    maxPasswordBytes: 32,
    check: async (stored, password) => {
      checks++;
      return checkPassword(stored, password);
    },
  });
  assert.equal(await auth.verifyPassword('alice', 'x'.repeat(33)), null);
  assert.equal(await auth.verifyPassword('nobody', 'x'.repeat(33)), null);
  assert.equal(await auth.verifyPassword('long', 'p'.repeat(40)), null);
  assert.equal(await auth.verifyPassword('alice', 'é'.repeat(17)), null, 'the limit counts UTF-8 bytes');
  assert.equal(checks, 0);
  assert.ok(await auth.verifyPassword('alice', 'alice-pw'));
});

test('an overloaded crypt pool is an error, not a wrong password', async () => {
  const users = await writePasswd('passwd-busy', [`alice:${hashes.alice}`]);
  const pool = new CryptPool({ size: 1, maxQueue: 0 });
  const penalty = new AuthPenalty({ maxSeconds: 15 });
  const auth = new Authenticator({ users, penalty, check: (stored, password) => checkPassword(stored, password, pool) });
  try {
    const first = auth.verifyPassword('alice', 'alice-pw');
    await assert.rejects(
      auth.attempt('192.0.2.30', () => auth.verifyPassword('alice', 'alice-pw')),
      CryptBusyError,
    );
    assert.equal(penalty.penaltySeconds('192.0.2.30'), 0, 'not counted as a failure');
    assert.ok(await first);
  } finally {
    await pool.close();
  }
});

test('openAuthenticator loads the configured passwd-file and applies the configured penalty cap', async () => {
  const file = path.join(dir, 'passwd-config');
  await fs.writeFile(file, `alice:${hashes.alice}\n`);
  const auth = await openAuthenticator(
    { passwd_file: file, allow_cleartext_without_tls: 'loopback', mechanisms: ['PLAIN'], penalty_max_seconds: 3, max_sasl_response_bytes: 16384 },
    { defaultHome: (u) => `/m/${u}` },
  );
  assert.equal((await auth.verifyPassword('alice', 'alice-pw'))?.home, '/m/alice');
  await assert.rejects(
    openAuthenticator(
      { passwd_file: '', allow_cleartext_without_tls: 'loopback', mechanisms: ['PLAIN'], penalty_max_seconds: 3, max_sasl_response_bytes: 16384 },
      { defaultHome: (u) => u },
    ),
    (err: unknown) => err instanceof ConfigError && err.keyPath === 'auth.passwd_file',
  );
  await assert.rejects(
    openAuthenticator(
      { passwd_file: path.join(dir, 'missing'), allow_cleartext_without_tls: 'loopback', mechanisms: ['PLAIN'], penalty_max_seconds: 3, max_sasl_response_bytes: 16384 },
      { defaultHome: (u) => u },
    ),
    StartupError,
  );
});

test('the configured penalty cap applies to attempts', async () => {
  const file = path.join(dir, 'passwd-cap');
  await fs.writeFile(file, `alice:${hashes.alice}\n`);
  let t = 0;
  const slept: number[] = [];
  const auth = await openAuthenticator(
    { passwd_file: file, allow_cleartext_without_tls: 'loopback', mechanisms: ['PLAIN'], penalty_max_seconds: 3, max_sasl_response_bytes: 16384 },
    {
      defaultHome: (u) => u,
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    },
  );
  for (let i = 0; i < 4; i++) assert.equal(await auth.attempt('198.51.100.1', () => auth.verifyPassword('alice', 'bad')), null);
  assert.deepEqual(slept, [2000, 3000, 3000]);
});
