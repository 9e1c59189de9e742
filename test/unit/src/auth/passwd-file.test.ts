import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PasswdFile, parsePasswdFile } from '../../../../src/auth/passwd-file.js';
import { StartupError } from '../../../../src/errors.js';
import { memoryLogger } from './tools.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const defaultHome = (u: string): string => `/srv/mail/${u}`;

test('parses all fields of a full line', () => {
  const { entries, errors } = parsePasswdFile(
    'alice@example.org:{SHA512-CRYPT}$6$abc$def:1001:1002:Alice A.:/home/alice:/bin/sh:userdb_mail=maildir:~/Mail quota_rule=*:storage=1G nopassword\n',
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(entries.get('alice@example.org'), {
    username: 'alice@example.org',
    password: '{SHA512-CRYPT}$6$abc$def',
    uid: 1001,
    gid: 1002,
    gecos: 'Alice A.',
    home: '/home/alice',
    shell: '/bin/sh',
    extra: { userdb_mail: 'maildir:~/Mail', quota_rule: '*:storage=1G', nopassword: '' },
    line: 1,
  });
});

test('trailing fields are optional', () => {
  const { entries, errors } = parsePasswdFile('bob:{PLAIN}pw\ncarol:{PLAIN}x:::\ndave:{PLAIN}y:5:6\n');
  assert.deepEqual(errors, []);
  const bob = entries.get('bob');
  assert.equal(bob?.password, '{PLAIN}pw');
  assert.equal(bob?.uid, undefined);
  assert.equal(bob?.home, '');
  assert.deepEqual(bob?.extra, {});
  assert.equal(entries.get('carol')?.gid, undefined);
  assert.equal(entries.get('dave')?.uid, 5);
  assert.equal(entries.get('dave')?.gid, 6);
});

test('skips comments, blank lines and CRLF endings; counts line numbers', () => {
  const { entries, errors } = parsePasswdFile('# users\r\n\r\n   \r\n  # indented comment\r\nerin:{PLAIN}e:::::\r\n');
  assert.deepEqual(errors, []);
  assert.equal(entries.size, 1);
  assert.equal(entries.get('erin')?.password, '{PLAIN}e');
  assert.equal(entries.get('erin')?.line, 5);
});

test('users may be name or name@domain and lookups are case-sensitive', () => {
  const { entries } = parsePasswdFile('joe:{PLAIN}a\njoe@example.com:{PLAIN}b\nJoe:{PLAIN}c\n');
  assert.equal(entries.get('joe')?.password, '{PLAIN}a');
  assert.equal(entries.get('joe@example.com')?.password, '{PLAIN}b');
  assert.equal(entries.get('Joe')?.password, '{PLAIN}c');
  assert.equal(entries.get('JOE'), undefined);
});

test('reports malformed lines with line number and reason, and keeps the good ones', () => {
  const text = [
    'good1:{PLAIN}a', // 1
    'nopassword-field', // 2
    ':{PLAIN}x', // 3
    'bad uid:{PLAIN}x', // 4
    'u5:{PLAIN}x:abc', // 5
    'u6:{PLAIN}x:1:99999999999', // 6
    'u7:{PLAIN}x:1:1::relative/home', // 7
    '@example.com:{PLAIN}x', // 8
    'a@b@c:{PLAIN}x', // 9
    'good1:{PLAIN}dup', // 10
    'u11:{PLAIN}x:1:1::/h::=value', // 11
    'good2:{PLAIN}b', // 12
  ].join('\n');
  const { entries, errors } = parsePasswdFile(text);
  assert.deepEqual([...entries.keys()], ['good1', 'good2']);
  assert.equal(entries.get('good1')?.password, '{PLAIN}a', 'the first definition wins');
  assert.deepEqual(
    errors.map((e) => e.line),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
  assert.match(errors[0].reason, /missing password field/);
  assert.match(errors[1].reason, /empty user name/);
  assert.match(errors[2].reason, /space or control/);
  assert.match(errors[3].reason, /uid must be a number/);
  assert.match(errors[4].reason, /gid must be a number/);
  assert.match(errors[5].reason, /absolute path/);
  assert.match(errors[6].reason, /name@domain/);
  assert.match(errors[7].reason, /name@domain/);
  assert.match(errors[8].reason, /duplicate user "good1" \(first on line 1/);
  assert.match(errors[9].reason, /extra field without a name/);
  for (const e of errors) assert.doesNotMatch(e.reason, /\{PLAIN\}/, 'reasons never echo the stored password');
});

test('garbage input never throws', () => {
  const junk = ['\0\0\0', ':::::::', '\u{1F600}:x', 'a:'.repeat(1000), '\n'.repeat(100), 'x'.repeat(100000)];
  for (const text of junk) assert.doesNotThrow(() => parsePasswdFile(text));
});

test('the decoy is a stored password of the most common scheme', () => {
  const { decoy } = parsePasswdFile('a:{PLAIN}p\nb:{SHA512-CRYPT}$6$x$1\nc:{SHA512-CRYPT}$6$y$2\nd:\ne:$6$z$3\n');
  assert.equal(decoy, '{SHA512-CRYPT}$6$x$1');
  assert.equal(parsePasswdFile('# nobody\n').decoy, undefined);
});

test('lookup resolves a missing home with defaultHome and keeps a given one', async () => {
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, 'a:{PLAIN}x\nb:{PLAIN}y:1:1::/home/b\n');
  const pf = new PasswdFile(file, { defaultHome });
  await pf.load();
  assert.equal((await pf.lookup('a'))?.resolvedHome, '/srv/mail/a');
  assert.equal((await pf.lookup('b'))?.resolvedHome, '/home/b');
  assert.equal(await pf.lookup('c'), undefined);
  assert.equal(pf.size, 2);
});

test('load of a missing file is a clear startup error', async () => {
  const pf = new PasswdFile(path.join(dir, 'absent'), { defaultHome });
  await assert.rejects(pf.load(), (err: unknown) => err instanceof StartupError && /cannot read passwd-file .*absent: .*ENOENT/.test(err.message));
});

test('load refuses a file over the size limit', async () => {
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, `a:{PLAIN}${'x'.repeat(200)}\n`);
  const pf = new PasswdFile(file, { defaultHome, maxBytes: 100 });
  await assert.rejects(pf.load(), /larger than 100 bytes/);
});

test('logs skipped lines with their line number on load', async () => {
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, 'ok:{PLAIN}a\nbroken\n');
  const log = memoryLogger();
  const pf = new PasswdFile(file, { defaultHome, logger: log.logger });
  await pf.load();
  const skipped = log.lines().filter((l) => l.msg === 'passwd-file line skipped');
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0].line, 2);
  assert.deepEqual(pf.errors, [{ line: 2, reason: 'missing password field' }]);
});

test('reloads after a change, but not before the check interval has passed', async () => {
  let now = 0;
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, 'a:{PLAIN}one\n');
  const pf = new PasswdFile(file, { defaultHome, checkIntervalMs: 1000, now: () => now });
  await pf.load();
  // Replace by rename (what editors and scripts do): a new inode.
  await fs.writeFile(`${file}.new`, 'a:{PLAIN}two\nb:{PLAIN}new\n');
  await fs.rename(`${file}.new`, file);
  now = 999;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}one', 'not re-checked within the interval');
  now = 1000;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}two');
  assert.equal((await pf.lookup('b'))?.password, '{PLAIN}new');
  // Rewritten in place (same inode, different size).
  await fs.writeFile(file, 'a:{PLAIN}three3\n');
  now = 2000;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}three3');
  assert.equal(await pf.lookup('b'), undefined, 'removed users disappear');
});

test('a rewrite with the same size is noticed through mtime', async () => {
  let now = 0;
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, 'a:{PLAIN}AAAA\n');
  await fs.utimes(file, 1_700_000_000, 1_700_000_000);
  const pf = new PasswdFile(file, { defaultHome, now: () => now });
  await pf.load();
  await fs.writeFile(file, 'a:{PLAIN}BBBB\n');
  await fs.utimes(file, 1_700_000_100, 1_700_000_100);
  now = 5000;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}BBBB');
});

test('an unchanged file is not re-read', async () => {
  let now = 0;
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, 'a:{PLAIN}x\n');
  const log = memoryLogger();
  const pf = new PasswdFile(file, { defaultHome, now: () => now, logger: log.logger });
  await pf.load();
  for (let i = 1; i <= 5; i++) {
    now = i * 2000;
    await pf.lookup('a');
  }
  assert.equal(log.lines().filter((l) => l.msg === 'passwd-file loaded').length, 1);
});

test('keeps the old users when the file is deleted, replaced by a directory or grows too large', async () => {
  let now = 0;
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, 'a:{PLAIN}keep\n');
  const log = memoryLogger();
  const pf = new PasswdFile(file, { defaultHome, now: () => now, logger: log.logger, maxBytes: 1000 });
  await pf.load();

  await fs.rm(file);
  now += 2000;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}keep');

  await fs.mkdir(file);
  now += 2000;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}keep');
  await fs.rmdir(file);

  await fs.writeFile(file, `a:{PLAIN}${'y'.repeat(2000)}\n`);
  now += 2000;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}keep');

  const warnings = log.lines().filter((l) => l.msg === 'passwd-file unreadable; keeping the previous users');
  assert.equal(warnings.length, 3);
  assert.match(String(warnings[0].err), /ENOENT/);
  assert.match(String(warnings[1].err), /not a regular file|EISDIR/);
  assert.match(String(warnings[2].err), /larger than 1000 bytes/);

  // Once readable again, the new contents are used.
  await fs.writeFile(file, 'a:{PLAIN}back\n');
  now += 2000;
  assert.equal((await pf.lookup('a'))?.password, '{PLAIN}back');
});

test('concurrent lookups during a reload share one read', async () => {
  let now = 0;
  const file = path.join(dir, 'passwd');
  await fs.writeFile(file, 'a:{PLAIN}1\n');
  const log = memoryLogger();
  const pf = new PasswdFile(file, { defaultHome, now: () => now, logger: log.logger });
  await pf.load();
  await fs.writeFile(file, 'a:{PLAIN}22\n');
  now = 5000;
  const got = await Promise.all([pf.lookup('a'), pf.lookup('a'), pf.lookup('a')]);
  assert.deepEqual(
    got.map((u) => u?.password),
    ['{PLAIN}22', '{PLAIN}22', '{PLAIN}22'],
  );
  assert.equal(log.lines().filter((l) => l.msg === 'passwd-file loaded').length, 2);
});
