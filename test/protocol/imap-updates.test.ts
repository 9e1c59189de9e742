// Untagged updates between sessions and from the delivery agent (RFC 3501 §5.2, §7.4.1, RFC 2177):
// EXISTS/EXPUNGE/FETCH FLAGS on NOOP and during IDLE, no EXPUNGE during STORE, keepalives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { deliverToMaildir } from '../helpers/maildir.js';
import { ImapTestClient } from './imap-helpers.js';

const USERS = ['v1', 'v2', 'v3', 'v4', 'v5'];
let d: TestDaemon;

before(async () => {
  d = await startTestDaemon(USERS.map((name) => ({ name, password: 'pw' })), { imap: { idle_keepalive_seconds: 1 } });
});

after(async () => {
  await d.stop();
});

const maildir = (user: string): string => path.join(d.home(user), 'Maildir');

async function deliver(user: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await deliverToMaildir(maildir(user), `From: x${i}@example.org\nSubject: message ${i}\n\nbody ${i}\n`);
}

async function selected(user: string): Promise<ImapTestClient> {
  const c = await ImapTestClient.login(d, user, 'pw');
  assert.match((await c.cmd('SELECT INBOX')).tagged, /OK/);
  return c;
}

test('two sessions see each other\'s flag changes, expunges and deliveries on NOOP', async () => {
  await deliver('v1', 3);
  const a = await selected('v1');
  const b = await selected('v1');
  await a.cmd('STORE 2 +FLAGS.SILENT (\\Answered)');
  assert.deepEqual((await b.cmd('NOOP')).untagged, ['* 2 FETCH (FLAGS (\\Answered))']);
  await a.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await a.cmd('EXPUNGE');
  const seen = await b.cmd('NOOP');
  assert.deepEqual(seen.untagged, ['* 1 EXPUNGE']);
  await deliver('v1', 1);
  const arrived = await b.cmd('CHECK');
  assert.deepEqual(arrived.untagged, ['* 3 EXISTS', '* 1 RECENT']);
  assert.deepEqual((await a.cmd('NOOP')).untagged, ['* 3 EXISTS', '* 2 RECENT'], 'a keeps its two \\Recent messages; the new one is \\Recent in b only');
  await a.logout();
  await b.logout();
});

test('no EXPUNGE is sent during STORE: the expunged message keeps its number until NOOP', async () => {
  await deliver('v2', 3);
  const a = await selected('v2');
  const b = await selected('v2');
  await a.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await a.cmd('EXPUNGE');
  const store = await b.cmd('STORE 3 +FLAGS (\\Flagged)');
  assert.ok(!store.untagged.some((l) => l.includes('EXPUNGE')), store.untagged.join('\n'));
  assert.ok(store.untagged.includes('* 3 FETCH (FLAGS (\\Flagged))'), `message 3 keeps its number: ${store.untagged.join('\n')}`);
  const stale = await b.cmd('STORE 1 +FLAGS (\\Seen)');
  assert.match(stale.tagged, /NO \[EXPUNGEISSUED\]/, 'storing on the expunged message is refused cleanly');
  const uidForm = await b.cmd('UID STORE 3 -FLAGS (\\Flagged)');
  assert.equal(uidForm.untagged[0], '* 1 EXPUNGE', 'UID STORE may send the pending EXPUNGE first');
  assert.equal(uidForm.untagged[1], '* 2 FETCH (UID 3 FLAGS ())');
  assert.deepEqual((await b.cmd('NOOP')).untagged, []);
  await a.logout();
  await b.logout();
});

test('IDLE pushes a delivery to new/ within a second, and DONE ends it', async () => {
  const c = await selected('v3');
  c.write('i1 IDLE\r\n');
  assert.equal(await c.line(), '+ idling');
  const started = Date.now();
  await deliver('v3', 1);
  assert.equal(await c.line(3000), '* 1 EXISTS');
  assert.equal(await c.line(3000), '* 1 RECENT');
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 1000, `IDLE saw the delivery after ${elapsed} ms`);
  c.write('DONE\r\n');
  assert.match((await c.until('i1')).tagged, /^i1 OK /);
  await c.logout();
});

test('IDLE pushes another session\'s flag change and expunge; other input than DONE is BAD', async () => {
  await deliver('v4', 2);
  const idler = await selected('v4');
  const other = await selected('v4');
  idler.write('i1 IDLE\r\n');
  assert.equal(await idler.line(), '+ idling');
  await other.cmd('STORE 2 +FLAGS.SILENT (\\Flagged)');
  assert.equal(await idler.line(3000), '* 2 FETCH (FLAGS (\\Flagged \\Recent))', 'the first session holds \\Recent');
  await other.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)');
  assert.equal(await idler.line(3000), '* 1 FETCH (FLAGS (\\Deleted \\Recent))');
  await other.cmd('EXPUNGE');
  assert.equal(await idler.line(3000), '* 1 EXPUNGE');
  idler.write('NOT-DONE\r\n');
  assert.match((await idler.until('i1')).tagged, /^i1 BAD /);
  assert.match((await idler.cmd('NOOP')).tagged, /OK/);
  await idler.logout();
  await other.logout();
});

test('IDLE sends "* OK Still here" keepalives (every idle_keepalive_seconds), also without a mailbox', async () => {
  const c = await ImapTestClient.login(d, 'v5', 'pw');
  c.write('i1 IDLE\r\n');
  assert.equal(await c.line(), '+ idling');
  assert.equal(await c.line(5000), '* OK Still here');
  assert.equal(await c.line(5000), '* OK Still here');
  c.write('DONE\r\n');
  assert.match((await c.until('i1')).tagged, /OK/);
  await c.logout();
});

test('a message expunged by another session keeps its number through FETCH and SEARCH until a command may say EXPUNGE', async () => {
  await deliver('v5', 3);
  const a = await selected('v5');
  const b = await selected('v5');
  await a.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)');
  await a.cmd('EXPUNGE');
  const f = await b.cmd('FETCH 1:3 (UID)');
  // RFC 2180 §4.1: the gone message may still be answered from the session's snapshot.
  assert.deepEqual(f.untagged, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 2)', '* 3 FETCH (UID 3)'], 'no EXPUNGE, numbers unchanged');
  const body = await b.cmd('FETCH 1:3 (UID BODY.PEEK[TEXT])');
  assert.ok(!body.untagged.some((l) => l.startsWith('* 1 ')), 'its content is gone, so it is left out');
  assert.ok(body.untagged.some((l) => l.startsWith('* 3 FETCH (UID 3 ')), body.untagged.join('\n'));
  assert.ok(!body.untagged.some((l) => l.includes('EXPUNGE')));
  assert.match(body.tagged, /NO \[EXPUNGEISSUED\]/);
  const s = await b.cmd('SEARCH ALL');
  assert.deepEqual(s.untagged, ['* SEARCH 2 3']);
  const u = await b.cmd('UID SEARCH ALL');
  assert.deepEqual(u.untagged, ['* SEARCH 2 3', '* 1 EXPUNGE']);
  const after = await b.cmd('FETCH 1:* (UID)');
  assert.deepEqual(after.untagged, ['* 1 FETCH (UID 2)', '* 2 FETCH (UID 3)']);
  await a.logout();
  await b.logout();
});

test('a selected mailbox recreated under the session (new UIDVALIDITY) ends the session with BYE', async () => {
  const own = await startTestDaemon([{ name: 'z', password: 'pw' }]);
  try {
    const root = path.join(own.home('z'), 'Maildir');
    await deliverToMaildir(root, 'Subject: old\n\nx\n');
    const c = await ImapTestClient.login(own, 'z', 'pw');
    const sel = await c.cmd('SELECT INBOX');
    const before = sel.untagged.find((l) => l.includes('UIDVALIDITY')) ?? '';
    await rm(root, { recursive: true, force: true });
    await deliverToMaildir(root, 'Subject: new\n\ny\n');
    await writeFile(path.join(root, 'dovecot-uidlist'), '3 V12345 N2 G0\n');
    c.write('n1 NOOP\r\n');
    const lines: string[] = [];
    for (let l = await c.line(); l !== null; l = await c.line()) lines.push(l);
    assert.ok(lines.some((l) => /^\* BYE .*reconnect/.test(l)), `${before} → ${lines.join(' | ')}`);
  } finally {
    await own.stop();
  }
});
