// IMAP selected-state commands over a real daemon on Maildir: SELECT/EXAMINE, STORE, COPY, MOVE,
// EXPUNGE, UID EXPUNGE, CLOSE, UNSELECT, APPEND (MULTIAPPEND, LITERAL+, aborted literals).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { deliverToMaildir, maildirFiles } from '../helpers/maildir.js';
import { ImapTestClient } from './imap-helpers.js';

const USERS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'];
let d: TestDaemon;

before(async () => {
  d = await startTestDaemon(USERS.map((name) => ({ name, password: 'pw' })));
});

after(async () => {
  await d.stop();
});

const maildir = (user: string): string => path.join(d.home(user), 'Maildir');

async function withMessages(user: string, n: number): Promise<ImapTestClient> {
  for (let i = 1; i <= n; i++) await deliverToMaildir(maildir(user), `From: x${i}@example.org\nSubject: message ${i}\n\nbody ${i}\n`);
  return ImapTestClient.login(d, user, 'pw');
}

test('SELECT answers FLAGS, PERMANENTFLAGS, EXISTS, RECENT, UNSEEN, UIDVALIDITY, UIDNEXT and READ-WRITE', async () => {
  const c = await withMessages('u1', 3);
  const s = await c.cmd('SELECT INBOX');
  assert.equal(s.untagged[0], '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)');
  assert.equal(s.untagged[1], '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted');
  assert.equal(s.untagged[2], '* 3 EXISTS');
  assert.equal(s.untagged[3], '* 3 RECENT');
  assert.equal(s.untagged[4], '* OK [UNSEEN 1] First unseen message is 1');
  assert.match(s.untagged[5], /^\* OK \[UIDVALIDITY \d+\] /);
  assert.equal(s.untagged[6], '* OK [UIDNEXT 4] Predicted next UID');
  assert.match(s.tagged, /^t2 OK \[READ-WRITE\] /);
  // \Recent belongs to the first session only.
  const other = await ImapTestClient.login(d, 'u1', 'pw');
  const e = await other.cmd('EXAMINE INBOX');
  assert.ok(e.untagged.includes('* 0 RECENT'), e.untagged.join('\n'));
  assert.ok(e.untagged.includes('* OK [PERMANENTFLAGS ()] No permanent flags permitted'));
  assert.match(e.tagged, /OK \[READ-ONLY\]/);
  assert.match((await other.cmd('STORE 1 +FLAGS (\\Seen)')).tagged, /NO \[READ-ONLY\]/);
  assert.match((await other.cmd('EXPUNGE')).tagged, /NO \[READ-ONLY\]/);
  assert.match((await other.cmd('SELECT Nope')).tagged, /NO \[NONEXISTENT\]/);
  assert.match((await other.cmd('NOOP')).tagged, /OK/);
  assert.match((await other.cmd('STORE 1 +FLAGS (\\Seen)')).tagged, /BAD/, 'a failed SELECT leaves no mailbox selected');
  await other.logout();
  await c.logout();
});

test('STORE sets, adds and removes flags and keywords; .SILENT answers nothing; bad sets are BAD', async () => {
  const c = await withMessages('u2', 3);
  await c.cmd('SELECT INBOX');
  const add = await c.cmd('STORE 1:2 +FLAGS (\\Flagged $Label1)');
  assert.deepEqual(add.untagged, [
    '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)',
    '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted',
    '* 1 FETCH (FLAGS (\\Flagged \\Recent $Label1))',
    '* 2 FETCH (FLAGS (\\Flagged \\Recent $Label1))',
  ], 'a new keyword is announced by FLAGS first');
  const rep = await c.cmd('STORE 2 FLAGS (\\Seen \\Answered)');
  assert.deepEqual(rep.untagged, ['* 2 FETCH (FLAGS (\\Seen \\Answered \\Recent))']);
  const rem = await c.cmd('STORE 1 -FLAGS.SILENT (\\Flagged)');
  assert.deepEqual(rem.untagged, []);
  assert.match(rem.tagged, /OK/);
  const uid = await c.cmd('UID STORE 3 +FLAGS (\\Deleted)');
  assert.deepEqual(uid.untagged, ['* 3 FETCH (UID 3 FLAGS (\\Deleted \\Recent))']);
  assert.deepEqual((await c.cmd('NOOP')).untagged, [], 'own changes are not reported again');
  assert.match((await c.cmd('STORE 9 +FLAGS (\\Seen)')).tagged, /BAD .*Invalid message sequence number/);
  assert.match((await c.cmd('STORE 1 +FLAGS (\\Bogus)')).tagged, /BAD/);
  assert.deepEqual((await c.cmd('UID STORE 99 +FLAGS (\\Seen)')).untagged, [], 'unknown UIDs are ignored');
  const files = await maildirFiles(maildir('u2'));
  assert.ok(files.some((f) => /:2,RS$/.test(f)), `message 2 is stored as answered+seen: ${files.join(' ')}`);
  assert.ok(files.some((f) => /:2,T$/.test(f)), `message 3 is stored as deleted: ${files.join(' ')}`);
  await c.logout();
});

test('EXPUNGE sends EXPUNGE with correct renumbering; UID EXPUNGE only touches its set', async () => {
  const c = await withMessages('u3', 5);
  await c.cmd('SELECT INBOX');
  await c.cmd('STORE 2,3,5 +FLAGS.SILENT (\\Deleted)');
  const uidx = await c.cmd('UID EXPUNGE 1:3');
  assert.deepEqual(uidx.untagged, ['* 3 EXPUNGE', '* 2 EXPUNGE']);
  const rest = await c.cmd('EXPUNGE');
  assert.deepEqual(rest.untagged, ['* 3 EXPUNGE'], 'UID 5 is now message 3');
  const s = await c.cmd('STATUS INBOX (MESSAGES)');
  assert.equal(s.untagged[0], '* STATUS INBOX (MESSAGES 2)');
  assert.equal((await maildirFiles(maildir('u3'))).length, 2);
  await c.logout();
});

test('COPY answers COPYUID; a missing target is TRYCREATE; MOVE sends COPYUID then EXPUNGE', async () => {
  const c = await withMessages('u4', 3);
  await c.cmd('CREATE Archive2');
  await c.cmd('SELECT INBOX');
  const copy = await c.cmd('COPY 1:2 Archive2');
  assert.match(copy.tagged, /^t\d+ OK \[COPYUID \d+ 1:2 1:2\] /);
  assert.match((await c.cmd('COPY 1 Missing')).tagged, /NO \[TRYCREATE\]/);
  assert.match((await c.cmd('MOVE 1 Missing')).tagged, /NO \[TRYCREATE\]/);
  const move = await c.cmd('UID MOVE 2 Archive2');
  assert.match(move.untagged[0], /^\* OK \[COPYUID \d+ 2 3\] /);
  assert.equal(move.untagged[1], '* 2 EXPUNGE');
  assert.match(move.tagged, /OK/);
  assert.equal((await c.cmd('STATUS Archive2 (MESSAGES)')).untagged[0], '* STATUS Archive2 (MESSAGES 3)');
  const empty = await c.cmd('UID COPY 999 Archive2');
  assert.match(empty.tagged, /OK/);
  await c.logout();
});

test('CLOSE expunges silently, UNSELECT does not; both leave the selected state', async () => {
  const c = await withMessages('u5', 2);
  await c.cmd('SELECT INBOX');
  await c.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)');
  const un = await c.cmd('UNSELECT');
  assert.deepEqual(un.untagged, []);
  assert.equal((await c.cmd('STATUS INBOX (MESSAGES)')).untagged[0], '* STATUS INBOX (MESSAGES 2)');
  assert.match((await c.cmd('CLOSE')).tagged, /BAD/, 'nothing is selected');
  await c.cmd('SELECT INBOX');
  const close = await c.cmd('CLOSE');
  assert.deepEqual(close.untagged, [], 'CLOSE sends no EXPUNGE');
  assert.equal((await c.cmd('STATUS INBOX (MESSAGES)')).untagged[0], '* STATUS INBOX (MESSAGES 1)');
  await c.cmd('EXAMINE INBOX');
  await c.cmd('CLOSE');
  await c.logout();
});

test('APPEND stores the message with flags and date, answers APPENDUID, and the selected session sees EXISTS', async () => {
  const c = await ImapTestClient.login(d, 'u6', 'pw');
  await c.cmd('SELECT INBOX');
  const msg = 'From: me@example.org\r\nSubject: appended\r\n\r\nhello\r\n';
  c.write(`a1 APPEND INBOX (\\Seen $Work) "14-Jul-2021 10:11:12 +0200" {${Buffer.byteLength(msg)}}\r\n`);
  assert.equal(await c.line(), '+ Ready for literal data');
  c.write(`${msg}\r\n`);
  const a = await c.until('a1');
  assert.deepEqual(a.untagged, [
    '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)',
    '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted',
    '* 1 EXISTS',
    '* 1 RECENT',
  ]);
  assert.match(a.tagged, /^a1 OK \[APPENDUID \d+ 1\] /);
  const st = await c.cmd('STATUS INBOX (MESSAGES UNSEEN SIZE)');
  assert.equal(st.untagged[0], `* STATUS INBOX (MESSAGES 1 UNSEEN 0 SIZE ${Buffer.byteLength(msg)})`);
  // MULTIAPPEND with LITERAL+: both or none.
  const m2 = 'Subject: two\r\n\r\n2\r\n';
  const m3 = 'Subject: three\r\n\r\n3\r\n';
  const multi = await c.cmd(`APPEND INBOX {${m2.length}+}\r\n${m2} (\\Flagged) {${m3.length}+}\r\n${m3}`);
  assert.match(multi.tagged, /OK \[APPENDUID \d+ 2:3\] /);
  assert.ok(multi.untagged.includes('* 3 EXISTS'), multi.untagged.join('\n'));
  assert.match((await c.cmd('APPEND Nowhere {3+}\r\nabc')).tagged, /NO \[TRYCREATE\]/);
  c.write('a2 APPEND Nowhere {3}\r\n');
  assert.match((await c.line()) ?? '', /^a2 NO \[TRYCREATE\] /, 'refused before the continuation');
  assert.match((await c.cmd('APPEND INBOX (\\Bogus) {3+}\r\nabc')).tagged, /BAD/);
  assert.match((await c.cmd('NOOP')).tagged, /OK/);
  await c.logout();
});

test('a client that disconnects in the middle of an APPEND literal leaves no partial message', async () => {
  const c = await ImapTestClient.login(d, 'u7', 'pw');
  const before = await maildirFiles(maildir('u7')).catch(() => []);
  c.write('a1 APPEND INBOX {100000}\r\n');
  assert.equal(await c.line(), '+ Ready for literal data');
  c.write('Subject: cut\r\n\r\n' + 'x'.repeat(50_000));
  c.close();
  // A second APPEND on another connection proves the server processed the first one's end.
  const c2 = await ImapTestClient.login(d, 'u7', 'pw');
  const s = await c2.cmd('STATUS INBOX (MESSAGES)');
  assert.equal(s.untagged[0], '* STATUS INBOX (MESSAGES 0)');
  const after = await maildirFiles(maildir('u7')).catch(() => []);
  assert.deepEqual(after, before);
  // A MULTIAPPEND cut after its first complete message commits nothing either.
  const c3 = await ImapTestClient.login(d, 'u7', 'pw');
  c3.write('a1 APPEND INBOX {5+}\r\nfirst {1000+}\r\nSubject: x\r\n');
  c3.close();
  assert.equal((await c2.cmd('STATUS INBOX (MESSAGES)')).untagged[0], '* STATUS INBOX (MESSAGES 0)');
  await c2.logout();
});

test('storage errors keep their RFC 5530 codes: OVERQUOTA from a Maildir++ quota', async () => {
  const c = await ImapTestClient.login(d, 'u8', 'pw');
  const root = maildir('u8');
  await deliverToMaildir(root, 'Subject: small\n\nx\n');
  await writeFile(path.join(root, 'maildirsize'), '200S\n0 0\n');
  const big = `Subject: big\r\n\r\n${'y'.repeat(500)}\r\n`;
  const a = await c.cmd(`APPEND INBOX {${big.length}+}\r\n${big}`);
  assert.match(a.tagged, /^t\d+ NO \[OVERQUOTA\] /);
  assert.equal((await c.cmd('STATUS INBOX (MESSAGES)')).untagged[0], '* STATUS INBOX (MESSAGES 1)');
  await c.logout();
});

test('EXAMINE reports \\Recent without taking it; MOVE into the same mailbox gives a new UID', async () => {
  await deliverToMaildir(maildir('u8'), 'Subject: r1\n\nx\n');
  const c = await ImapTestClient.login(d, 'u8', 'pw');
  const before = await c.cmd('STATUS INBOX (MESSAGES RECENT UIDNEXT)');
  const m = /MESSAGES (\d+) RECENT (\d+) UIDNEXT (\d+)/.exec(before.untagged[0]);
  assert.ok(m && Number(m[2]) >= 1, before.untagged[0]);
  const [messages, recent, uidNext] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ex = await c.cmd('EXAMINE INBOX');
  assert.ok(ex.untagged.includes(`* ${recent} RECENT`), ex.untagged.join('\n'));
  await c.cmd('CLOSE');
  assert.match((await c.cmd('STATUS INBOX (RECENT)')).untagged[0], new RegExp(`RECENT ${recent}\\)`));
  const sel = await c.cmd('SELECT INBOX');
  assert.ok(sel.untagged.includes(`* ${recent} RECENT`), sel.untagged.join('\n'));
  const mv = await c.cmd('MOVE 1 INBOX');
  assert.match(mv.untagged[0], new RegExp(`^\\* OK \\[COPYUID \\d+ \\d+ ${uidNext}\\] `));
  assert.equal(mv.untagged[1], '* 1 EXPUNGE');
  assert.equal(mv.untagged[2], `* ${messages} EXISTS`);
  await c.logout();
});

test('a MULTIAPPEND over the total size limit is refused with TOOBIG and stores nothing', async () => {
  const small = await startTestDaemon([{ name: 'w', password: 'pw' }], { limits: { max_literal_bytes: 1000 } });
  try {
    const c = await ImapTestClient.login(small, 'w', 'pw');
    const m = `Subject: x\r\n\r\n${'z'.repeat(580)}\r\n`;
    const a = await c.cmd(`APPEND INBOX {${m.length}+}\r\n${m} {${m.length}+}\r\n${m}`);
    assert.match(a.tagged, /^t\d+ NO \[TOOBIG\] /);
    c.write(`s1 APPEND INBOX {${m.length}+}\r\n${m} {${m.length}}\r\n`);
    assert.match((await c.line()) ?? '', /^s1 NO \[TOOBIG\] /, 'refused before the second continuation');
    assert.equal((await c.cmd('STATUS INBOX (MESSAGES)')).untagged[0], '* STATUS INBOX (MESSAGES 0)');
    await c.logout();
  } finally {
    await small.stop();
  }
});
