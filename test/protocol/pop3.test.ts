// POP3 transcripts over real TCP and TLS against a real daemon on a real Maildir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { LineClient } from '../helpers/line-client.js';
import { deliverToMaildir, maildirFiles } from '../helpers/maildir.js';

const MSG1 = 'From: a@example.org\nTo: alice@example.org\nSubject: one\n\nfirst line\n.leading dot\n..two dots\nlast\n';
const MSG2 = 'From: b@example.org\r\nSubject: two\r\n\r\nbody two\r\n';
const MSG3 = 'From: c@example.org\nSubject: three\n\nl1\nl2\nl3\nl4\n';
const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

let d: TestDaemon;
let maildir: string;

before(async () => {
  d = await startTestDaemon([
    { name: 'alice', password: 'secret' },
    { name: 'bob', password: 'hunter2' },
  ]);
  maildir = path.join(d.home('alice'), 'Maildir');
  for (const m of [MSG1, MSG2, MSG3]) await deliverToMaildir(maildir, m);
});

after(async () => {
  await d.stop();
});

async function login(user = 'alice', pass = 'secret', tls = false): Promise<LineClient> {
  const c = await LineClient.connect(d.port('pop3', tls), { tls });
  assert.match((await c.line()) ?? '', /^\+OK /);
  assert.match((await c.send(`USER ${user}`)) ?? '', /^\+OK/);
  assert.match((await c.send(`PASS ${pass}`)) ?? '', /^\+OK/);
  return c;
}

async function quit(c: LineClient): Promise<string | null> {
  const r = await c.send('QUIT');
  await c.closed();
  return r;
}

test('the greeting carries an APOP timestamp and CAPA lists what this connection may use', async () => {
  const c = await LineClient.connect(d.port('pop3', false));
  const greeting = (await c.line()) ?? '';
  assert.match(greeting, /^\+OK .*<[^<>@]+@[^<>]+>$/);
  assert.match((await c.send('CAPA')) ?? '', /^\+OK/);
  const caps = await c.until('.');
  for (const cap of ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'STLS', 'EXPIRE NEVER', 'IMPLEMENTATION inboxd']) {
    assert.ok(caps.includes(cap), `CAPA lacks ${cap}: ${caps.join('|')}`);
  }
  assert.ok(caps.some((l) => /^SASL .*PLAIN.*SCRAM-SHA-256/.test(l)), caps.join('|'));
  await quit(c);
});

test('STAT, LIST and UIDL report exact CRLF octet counts and stable UIDLs', async () => {
  const c = await login();
  const sizes = [MSG1, MSG2, MSG3].map((m) => Buffer.byteLength(crlf(m)));
  assert.equal(await c.send('STAT'), `+OK 3 ${sizes[0] + sizes[1] + sizes[2]}`);
  assert.match((await c.send('LIST')) ?? '', /^\+OK/);
  assert.deepEqual(await c.until('.'), sizes.map((s, i) => `${i + 1} ${s}`));
  assert.equal(await c.send('LIST 2'), `+OK 2 ${sizes[1]}`);
  assert.match((await c.send('UIDL')) ?? '', /^\+OK/);
  const uidls = await c.until('.');
  assert.equal(uidls.length, 3);
  for (const [i, l] of uidls.entries()) assert.match(l, new RegExp(`^${i + 1} [0-9A-F]{16}$`));
  assert.equal(await c.send('UIDL 3'), `+OK ${uidls[2]}`);
  assert.match((await c.send('LIST 4')) ?? '', /^-ERR/);
  assert.match((await c.send('LIST 0')) ?? '', /^-ERR/);
  await quit(c);
  const again = await login();
  assert.match((await again.send('UIDL')) ?? '', /^\+OK/);
  assert.deepEqual(await again.until('.'), uidls, 'UIDLs differ between sessions');
  await quit(again);
});

test('RETR returns the message byte for byte with CRLF line ends and dot-stuffing', async () => {
  const c = await login();
  const expected = crlf(MSG1);
  assert.equal(await c.send('RETR 1'), `+OK ${Buffer.byteLength(expected)} octets`);
  const wire = expected.replace(/^\./gm, '..') + '.\r\n';
  assert.equal((await c.bytes(Buffer.byteLength(wire))).toString(), wire);
  assert.equal(await c.send('NOOP'), '+OK');
  await quit(c);
});

test('TOP returns the header and the requested number of body lines', async () => {
  const c = await login();
  assert.match((await c.send('TOP 3 0')) ?? '', /^\+OK/);
  assert.deepEqual(await c.until('.'), ['From: c@example.org', 'Subject: three', '']);
  assert.match((await c.send('TOP 3 2')) ?? '', /^\+OK/);
  assert.deepEqual(await c.until('.'), ['From: c@example.org', 'Subject: three', '', 'l1', 'l2']);
  assert.match((await c.send('TOP 3')) ?? '', /^-ERR/);
  await quit(c);
});

test('DELE marks, a deleted message is refused, RSET unmarks, a dropped connection deletes nothing', async () => {
  const c = await login();
  assert.match((await c.send('DELE 1')) ?? '', /^\+OK/);
  assert.match((await c.send('RETR 1')) ?? '', /^-ERR/);
  assert.match((await c.send('DELE 1')) ?? '', /^-ERR/);
  assert.match((await c.send('STAT')) ?? '', /^\+OK 2 /);
  assert.match((await c.send('RSET')) ?? '', /^\+OK/);
  assert.match((await c.send('STAT')) ?? '', /^\+OK 3 /);
  assert.match((await c.send('DELE 2')) ?? '', /^\+OK/);
  c.close(); // no QUIT
  await new Promise((r) => setTimeout(r, 200));
  const again = await login();
  assert.match((await again.send('STAT')) ?? '', /^\+OK 3 /);
  await quit(again);
});

test('wrong-state and unknown commands get -ERR and the session goes on', async () => {
  const c = await LineClient.connect(d.port('pop3', false));
  await c.line();
  assert.match((await c.send('STAT')) ?? '', /^-ERR/);
  assert.match((await c.send('PASS x')) ?? '', /^-ERR/);
  assert.match((await c.send('XYZZY')) ?? '', /^-ERR/);
  assert.match((await c.send('USER alice')) ?? '', /^\+OK/);
  assert.match((await c.send('PASS secret')) ?? '', /^\+OK/);
  assert.match((await c.send('USER alice')) ?? '', /^-ERR/);
  assert.match((await c.send('STLS')) ?? '', /^-ERR/);
  await quit(c);
});

test('a wrong password and an unknown user get the same [AUTH] answer', async () => {
  const c = await LineClient.connect(d.port('pop3', false));
  await c.line();
  await c.send('USER alice');
  const wrong = await c.send('PASS nope');
  await c.send('USER nobody');
  const unknown = await c.send('PASS nope');
  assert.equal(wrong, '-ERR [AUTH] Authentication failed');
  assert.equal(unknown, wrong);
  await quit(c);
});

test('APOP logs in with the MD5 of the greeting timestamp and the secret', async () => {
  const c = await LineClient.connect(d.port('pop3', false));
  const stamp = /<[^>]+>/.exec((await c.line()) ?? '')?.[0] ?? '';
  const digest = createHash('md5').update(stamp + 'secret').digest('hex');
  assert.equal(await c.send(`APOP alice ${'0'.repeat(32)}`), '-ERR [AUTH] Authentication failed');
  assert.match((await c.send(`APOP alice ${digest}`)) ?? '', /^\+OK/);
  assert.match((await c.send('STAT')) ?? '', /^\+OK 3 /);
  await quit(c);
});

test('AUTH PLAIN with an initial response, AUTH with a continuation, and * cancel', async () => {
  const c = await LineClient.connect(d.port('pop3', false));
  await c.line();
  assert.match((await c.send('AUTH LOGIN')) ?? '', /^\+ /);
  assert.equal(await c.send('*'), '-ERR Authentication cancelled');
  assert.match((await c.send('AUTH PLAIN')) ?? '', /^\+ ?$/);
  assert.equal(await c.send(Buffer.from('\0alice\0wrong').toString('base64')), '-ERR [AUTH] Authentication failed');
  assert.equal(await c.send('AUTH PLAIN !!!'), '-ERR [AUTH] Invalid authentication data');
  assert.match((await c.send(`AUTH PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}`)) ?? '', /^\+OK/);
  await quit(c);
});

test('a second POP3 session on the same maildrop gets [IN-USE]', async () => {
  const first = await login();
  const second = await LineClient.connect(d.port('pop3', false));
  await second.line();
  await second.send('USER alice');
  assert.match((await second.send('PASS secret')) ?? '', /^-ERR \[IN-USE\]/);
  await quit(second);
  await quit(first);
});

test('STLS upgrades the connection; CAPA then no longer offers STLS', async () => {
  const c = await LineClient.connect(d.port('pop3', false));
  await c.line();
  assert.match((await c.send('STLS')) ?? '', /^\+OK/);
  await c.startTls();
  assert.match((await c.send('CAPA')) ?? '', /^\+OK/);
  const caps = await c.until('.');
  assert.ok(!caps.includes('STLS'));
  assert.match((await c.send('USER alice')) ?? '', /^\+OK/);
  assert.match((await c.send('PASS secret')) ?? '', /^\+OK/);
  await quit(c);
});

test('POP3S (implicit TLS) serves the same maildrop', async () => {
  const c = await login('alice', 'secret', true);
  assert.match((await c.send('STAT')) ?? '', /^\+OK 3 /);
  await quit(c);
});

test('a pipelined batch split at every byte boundary gives the same responses', async () => {
  const batch = 'USER bob\r\nPASS hunter2\r\nSTAT\r\nLIST\r\nUIDL\r\nNOOP\r\nQUIT\r\n';
  const expected = ['+OK', '+OK Logged in, 0 messages (0 octets)', '+OK 0 0', '+OK 0 messages (0 octets)', '.', '+OK', '.', '+OK', '+OK Logging out, 0 messages deleted'];
  for (let split = 0; split <= batch.length; split++) {
    const c = await LineClient.connect(d.port('pop3', false));
    await c.line();
    c.write(batch.slice(0, split));
    await new Promise((r) => setImmediate(r));
    c.write(batch.slice(split));
    const got: string[] = [];
    for (let l = await c.line(); l !== null; l = await c.line()) got.push(l);
    assert.deepEqual(got, expected, `split at ${split}`);
  }
});

test('new mail delivered during a session is not shown until the next login', async () => {
  const bob = path.join(d.home('bob'), 'Maildir');
  const c = await login('bob', 'hunter2');
  assert.equal(await c.send('STAT'), '+OK 0 0');
  await deliverToMaildir(bob, 'Subject: late\n\nhello\n');
  assert.equal(await c.send('STAT'), '+OK 0 0');
  await quit(c);
  const again = await login('bob', 'hunter2');
  assert.match((await again.send('STAT')) ?? '', /^\+OK 1 /);
  await quit(again);
});

test('QUIT deletes the marked messages, marks retrieved ones seen, and a later session agrees', async () => {
  const c = await login();
  const uidlsBefore = await (async () => {
    await c.send('UIDL');
    return c.until('.');
  })();
  await c.send('RETR 3');
  await c.until('.');
  assert.match((await c.send('DELE 1')) ?? '', /^\+OK/);
  assert.equal(await quit(c), '+OK Logging out, 1 messages deleted');
  const files = await maildirFiles(maildir);
  assert.equal(files.length, 2);
  assert.ok(files.some((f) => /:2,[A-Z]*S/.test(f)), `no file marked seen: ${files.join(' ')}`);
  const again = await login();
  await again.send('UIDL');
  const uidlsAfter = await again.until('.');
  assert.deepEqual(uidlsAfter.map((l) => l.split(' ')[1]), uidlsBefore.slice(1).map((l) => l.split(' ')[1]));
  await quit(again);
});
