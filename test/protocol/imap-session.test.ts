// IMAP transcripts over real TCP/TLS against a real daemon: greeting, capabilities, login and
// AUTHENTICATE, state checks, parser errors, bad-command limit, STARTTLS, LOGOUT, shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ImapTestClient } from './imap-helpers.js';

let d: TestDaemon;

before(async () => {
  d = await startTestDaemon([{ name: 'alice', password: 'secret' }], { limits: { max_bad_commands: 3, max_line_bytes: 2048 } });
});

after(async () => {
  await d.stop();
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('the greeting carries the pre-login capabilities and CAPABILITY repeats them', async () => {
  const { c, greeting } = await ImapTestClient.open(d);
  assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*\] /);
  const a = await c.cmd('CAPABILITY');
  assert.equal(a.untagged.length, 1);
  const caps = a.untagged[0].split(' ').slice(2);
  for (const cap of ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'STARTTLS', 'AUTH=PLAIN', 'AUTH=SCRAM-SHA-256']) assert.ok(caps.includes(cap), `missing ${cap}: ${a.untagged[0]}`);
  assert.ok(!caps.includes('LOGINDISABLED'), 'loopback may send cleartext passwords');
  assert.ok(!caps.includes('UIDPLUS'), 'post-login capabilities are not announced before login');
  assert.match(a.tagged, /^t1 OK /);
  await c.logout();
});

test('LOGIN answers OK with the post-login capabilities, wrong passwords get AUTHENTICATIONFAILED', async () => {
  const { c } = await ImapTestClient.open(d);
  const bad = await c.cmd('LOGIN alice wrong');
  assert.match(bad.tagged, /^t1 NO \[AUTHENTICATIONFAILED\] /);
  const ok = await c.cmd('LOGIN "alice" {6+}\r\nsecret');
  assert.match(ok.tagged, /^t2 OK \[CAPABILITY IMAP4rev1 .*UIDPLUS.*MOVE.*\] Logged in/);
  for (const cap of ['NAMESPACE', 'UNSELECT', 'CHILDREN', 'SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'MULTIAPPEND', 'STATUS=SIZE']) assert.ok(ok.tagged.includes(` ${cap}`), cap);
  const again = await c.cmd('LOGIN alice secret');
  assert.match(again.tagged, /^t3 BAD /, 'LOGIN is not valid once authenticated');
  await c.logout();
});

test('AUTHENTICATE PLAIN works with SASL-IR and with a continuation; * cancels with BAD', async () => {
  const { c } = await ImapTestClient.open(d);
  const ir = await c.cmd(`AUTHENTICATE PLAIN ${b64('\0alice\0secret')}`);
  assert.match(ir.tagged, /^t1 OK \[CAPABILITY /);
  await c.logout();

  const { c: c2 } = await ImapTestClient.open(d);
  c2.write('a1 AUTHENTICATE PLAIN\r\n');
  assert.equal(await c2.line(), '+ ');
  c2.write(`${b64('\0alice\0secret')}\r\n`);
  assert.match((await c2.until('a1')).tagged, /^a1 OK /);
  c2.close();

  const { c: c3 } = await ImapTestClient.open(d);
  c3.write('a1 AUTHENTICATE PLAIN\r\n');
  assert.equal(await c3.line(), '+ ');
  c3.write('*\r\n');
  assert.match((await c3.until('a1')).tagged, /^a1 BAD /);
  const failed = await c3.cmd(`AUTHENTICATE PLAIN ${b64('\0alice\0nope')}`);
  assert.match(failed.tagged, /NO \[AUTHENTICATIONFAILED\]/);
  const unknown = await c3.cmd('AUTHENTICATE X-UNKNOWN');
  assert.match(unknown.tagged, /^\S+ NO /);
  c3.close();
});

test('commands outside their state get BAD and the session stays usable', async () => {
  const { c } = await ImapTestClient.open(d);
  assert.match((await c.cmd('SELECT INBOX')).tagged, /^t1 BAD .*Log in first/);
  assert.match((await c.cmd('NOOP')).tagged, /^t2 OK /);
  assert.match((await c.cmd('LIST "" *')).tagged, /^t3 BAD /);
  assert.match((await c.cmd('NOOP')).tagged, /^t4 OK /);
  await c.cmd('LOGIN alice secret');
  assert.match((await c.cmd('STORE 1 +FLAGS (\\Seen)')).tagged, /^t6 BAD .*Select a mailbox first/);
  assert.match((await c.cmd('NOOP')).tagged, /^t7 OK /);
  assert.match((await c.cmd('EXPUNGE')).tagged, /^t8 BAD /);
  await c.logout();
});

test('syntax errors are answered BAD with the tag, or untagged when there is none', async () => {
  const { c } = await ImapTestClient.open(d);
  assert.match((await c.cmd('FOOBAR')).tagged, /^t1 BAD /);
  c.write('\r\n');
  c.write('+bad\r\n');
  assert.match((await c.line()) ?? '', /^\* BAD /);
  assert.match((await c.cmd('NOOP')).tagged, /^t2 OK /);
  await c.logout();
});

test('too many bad commands in a row end the session with BYE; a good one resets the count', async () => {
  const { c } = await ImapTestClient.open(d);
  await c.cmd('BOGUS');
  await c.cmd('BOGUS');
  assert.match((await c.cmd('NOOP')).tagged, /OK/);
  await c.cmd('BOGUS');
  await c.cmd('BOGUS');
  c.write('t9 BOGUS\r\n');
  assert.match((await c.line()) ?? '', /^t9 BAD /);
  assert.match((await c.line()) ?? '', /^\* BYE /);
  await c.lc.closed();
});

test('an overlong line is answered BAD and the session continues', async () => {
  const { c } = await ImapTestClient.open(d);
  const a = await c.cmd(`NOOP ${'x'.repeat(3000)}`);
  assert.match(a.tagged, /^t1 BAD .*too long/i);
  assert.match((await c.cmd('NOOP')).tagged, /^t2 OK /);
  await c.logout();
});

test('a literal larger than the command limit is refused with NO [TOOBIG] instead of +', async () => {
  const { c } = await ImapTestClient.open(d);
  c.write('a1 LOGIN {5000}\r\n');
  assert.match((await c.line()) ?? '', /^a1 NO \[TOOBIG\] /);
  assert.match((await c.cmd('NOOP')).tagged, /OK/);
  await c.logout();
});

test('STARTTLS upgrades the connection; cleartext pipelined after it is discarded', async () => {
  const { c } = await ImapTestClient.open(d);
  c.write('s1 STARTTLS\r\ns2 LOGIN alice secret\r\n');
  assert.match((await c.line()) ?? '', /^s1 OK /);
  await c.lc.startTls();
  const caps = await c.cmd('CAPABILITY');
  assert.ok(!caps.untagged[0].includes('STARTTLS'), 'no STARTTLS once secure');
  const state = await c.cmd('SELECT INBOX');
  assert.match(state.tagged, /BAD .*Log in first/, 'the pipelined LOGIN must not have run');
  assert.match((await c.cmd('STARTTLS')).tagged, /BAD/);
  assert.match((await c.cmd('LOGIN alice secret')).tagged, /OK/);
  await c.logout();
});

test('implicit TLS (imaps) works and does not offer STARTTLS', async () => {
  const { c, greeting } = await ImapTestClient.open(d, true);
  assert.ok(!greeting.includes('STARTTLS'), greeting);
  assert.match((await c.cmd('LOGIN alice secret')).tagged, /OK/);
  await c.logout();
});

test('ID, ENABLE and NAMESPACE answer as RFC 2971, 5161 and 2342 say', async () => {
  const { c } = await ImapTestClient.open(d);
  const id = await c.cmd('ID ("name" "test-client" "version" "1")');
  assert.deepEqual(id.untagged, ['* ID ("name" "inboxd")']);
  assert.match((await c.cmd('ID NIL')).tagged, /OK/);
  assert.match((await c.cmd('ENABLE CONDSTORE')).tagged, /BAD/, 'ENABLE needs a login');
  await c.cmd('LOGIN alice secret');
  const en = await c.cmd('ENABLE CONDSTORE X-UNKNOWN');
  assert.deepEqual(en.untagged, ['* ENABLED']);
  const ns = await c.cmd('NAMESPACE');
  assert.deepEqual(ns.untagged, ['* NAMESPACE (("" ".")) NIL NIL']);
  await c.logout();
});

test('a server shutdown says BYE to an idle session', async () => {
  const own = await startTestDaemon();
  try {
    const { c } = await ImapTestClient.open(own);
    await c.cmd('LOGIN alice secret');
    const stopping = own.daemon.stop(5000);
    assert.match((await c.line()) ?? '', /^\* BYE .*shutting down/i);
    await c.lc.closed();
    await stopping;
  } finally {
    await own.stop().catch(() => undefined);
  }
});

test('LOGINDISABLED and PRIVACYREQUIRED when cleartext is not allowed without TLS', async () => {
  const strict = await startTestDaemon([{ name: 'alice', password: 'secret' }], { auth: { allow_cleartext_without_tls: 'never' } });
  try {
    const { c, greeting } = await ImapTestClient.open(strict);
    assert.match(greeting, / LOGINDISABLED/);
    assert.ok(!greeting.includes('AUTH=PLAIN'), greeting);
    assert.match((await c.cmd('LOGIN alice secret')).tagged, /^t1 NO \[PRIVACYREQUIRED\] /);
    assert.match((await c.cmd(`AUTHENTICATE PLAIN ${b64('\0alice\0secret')}`)).tagged, /NO \[PRIVACYREQUIRED\]/);
    assert.match((await c.cmd('STARTTLS')).tagged, /OK/);
    await c.lc.startTls();
    const caps = await c.cmd('CAPABILITY');
    assert.ok(!caps.untagged[0].includes('LOGINDISABLED'));
    assert.match((await c.cmd('LOGIN alice secret')).tagged, /OK/);
    await c.logout();
  } finally {
    await strict.stop();
  }
});

test('a non-synchronizing literal beyond the message limit cannot be resynchronised: BYE and close', async () => {
  const { c } = await ImapTestClient.open(d);
  c.write(`a1 APPEND INBOX {${d.cfg.limits.max_literal_bytes + 1}+}\r\n`);
  assert.match((await c.line()) ?? '', /^\* BYE /);
  await c.lc.closed();
});

test('pipelined commands are answered in order', async () => {
  const { c } = await ImapTestClient.open(d);
  c.write('p1 NOOP\r\np2 LOGIN alice secret\r\np3 SELECT INBOX\r\np4 NOOP\r\np5 LOGOUT\r\n');
  const tags: string[] = [];
  for (;;) {
    const l = await c.line();
    if (l === null) break;
    const m = /^(p\d) /.exec(l);
    if (m) tags.push(m[1]);
  }
  assert.deepEqual(tags, ['p1', 'p2', 'p3', 'p4', 'p5']);
});

test('APPEND before login is BAD: no continuation for a synchronizing literal, a non-synchronizing one is dropped', async () => {
  const { c } = await ImapTestClient.open(d);
  c.write('a1 APPEND INBOX {5}\r\n');
  assert.match((await c.line()) ?? '', /^a1 BAD .*Log in first/);
  assert.match((await c.cmd('APPEND INBOX {5+}\r\nhello')).tagged, /^t1 BAD /);
  assert.match((await c.cmd('NOOP')).tagged, /^t2 OK /, 'the literal bytes were not taken for a command');
  await c.logout();
});

test('random garbage ends in BAD replies and a BYE, never a crash; the daemon keeps serving', async () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 5; round++) {
    const { c } = await ImapTestClient.open(d);
    const bytes = Buffer.alloc(4000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rnd() < 0.05 ? 0x0a : Math.floor(rnd() * 256);
    c.write(bytes);
    c.write('\r\n'.repeat(20) + 'x1 BOGUS\r\n'.repeat(10));
    const lines: string[] = [];
    for (let l = await c.line(); l !== null; l = await c.line()) lines.push(l);
    assert.ok(lines.length > 0 && /^\* BYE /.test(lines[lines.length - 1]), lines.slice(-3).join(' | '));
    assert.ok(lines.every((l) => /^(\* (BAD|BYE|OK)|\S+ (BAD|NO|OK)|\+ )/.test(l)), lines.join('\n'));
  }
  const { c } = await ImapTestClient.open(d);
  assert.match((await c.cmd('LOGIN alice secret')).tagged, /OK/);
  await c.logout();
});
