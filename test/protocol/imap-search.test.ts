// SEARCH transcripts over real TCP against a real daemon on Maildir: every key, nesting, UID
// SEARCH, sequence numbers past the end, CHARSET, ESEARCH RETURN options, SEARCHRES `$`; and
// imapflow's fetch and search against the same server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ImapTestClient } from './imap-helpers.js';
import { rawCmd } from './imap-fetch-helpers.js';
import { deliverToMaildir } from '../helpers/maildir.js';

let d: TestDaemon;
let c: ImapTestClient;

// [internal date, flags, message]
const MESSAGES: [string, string, string][] = [
  ['01-Feb-2020 10:00:00 +0000', '(\\Seen)', 'From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: Quarterly report\r\nDate: Sat, 01 Feb 2020 09:00:00 +0000\r\n\r\nThe numbers are in.\r\n'],
  ['15-Mar-2021 12:00:00 +0000', '(\\Flagged $Work)', 'From: =?utf-8?q?J=C3=BCrgen?= <j@example.de>\r\nCc: carol@example.org\r\nSubject: =?utf-8?b?R3LDvMOfZQ==?=\r\nDate: Mon, 15 Mar 2021 23:30:00 -0500\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n'],
  ['20-Mar-2021 08:00:00 +0000', '(\\Answered \\Deleted)', 'From: dave@example.net\r\nBcc: secret@example.net\r\nSubject: invitation\r\nX-Tracking: abc-123\r\n\r\nlunch at noon?\r\n'],
  ['01-Jan-2022 00:00:00 +0000', '(\\Draft)', `From: eve@example.com\r\nSubject: big one\r\n\r\n${'x'.repeat(3000)}\r\n`],
];

before(async () => {
  d = await startTestDaemon(['s1', 'flow'].map((name) => ({ name, password: 'pw' })));
  c = await ImapTestClient.login(d, 's1', 'pw');
  for (const [date, flags, msg] of MESSAGES) {
    const a = await c.cmd(`APPEND INBOX ${flags} "${date}" {${Buffer.byteLength(msg)}+}\r\n${msg}`);
    assert.match(a.tagged, /OK/, a.tagged);
  }
  assert.match((await c.cmd('SELECT INBOX')).tagged, /OK/);
});

after(async () => {
  await c.logout();
  await d.stop();
});

async function search(text: string): Promise<string> {
  const a = await rawCmd(c, text);
  assert.match(a.tagged, /OK/, `${text}: ${a.tagged}`);
  assert.equal(a.untagged.length, 1, `${text}: ${a.untagged.join('|')}`);
  return a.untagged[0].toString();
}

test('flag, keyword, size and header keys', async () => {
  const cases: [string, string][] = [
    ['SEARCH ALL', '* SEARCH 1 2 3 4'],
    ['SEARCH SEEN', '* SEARCH 1'],
    ['SEARCH UNSEEN', '* SEARCH 2 3 4'],
    ['SEARCH FLAGGED', '* SEARCH 2'],
    ['SEARCH UNFLAGGED', '* SEARCH 1 3 4'],
    ['SEARCH ANSWERED', '* SEARCH 3'],
    ['SEARCH UNANSWERED', '* SEARCH 1 2 4'],
    ['SEARCH DELETED', '* SEARCH 3'],
    ['SEARCH UNDELETED', '* SEARCH 1 2 4'],
    ['SEARCH DRAFT', '* SEARCH 4'],
    ['SEARCH UNDRAFT', '* SEARCH 1 2 3'],
    ['SEARCH KEYWORD $work', '* SEARCH 2'],
    ['SEARCH UNKEYWORD $Work', '* SEARCH 1 3 4'],
    ['SEARCH LARGER 1000', '* SEARCH 4'],
    ['SEARCH SMALLER 1000', '* SEARCH 1 2 3'],
    ['SEARCH FROM alice', '* SEARCH 1'],
    [`SEARCH CHARSET UTF-8 FROM {${Buffer.byteLength('jürgen')}+}\r\njürgen`, '* SEARCH 2'],
    ['SEARCH TO bob', '* SEARCH 1'],
    ['SEARCH CC CAROL', '* SEARCH 2'],
    ['SEARCH BCC secret', '* SEARCH 3'],
    ['SEARCH SUBJECT report', '* SEARCH 1'],
    ['SEARCH HEADER X-Tracking ""', '* SEARCH 3'],
    ['SEARCH HEADER x-tracking ABC', '* SEARCH 3'],
  ];
  for (const [cmd, expected] of cases) assert.equal(await search(cmd), expected, cmd);
  assert.match((await rawCmd(c, 'SEARCH FROM "jürgen"')).tagged, /BAD/, '8-bit text must come as a literal');
});

test('RECENT, NEW and OLD follow the \\Recent flag FETCH reports', async () => {
  const flags = (await rawCmd(c, 'FETCH 1:* FLAGS')).untagged.map((b) => b.toString());
  const recent = flags.filter((f) => f.includes('\\Recent')).map((f) => Number(/^\* (\d+)/.exec(f)![1]));
  const unseen = flags.filter((f) => !f.includes('\\Seen')).map((f) => Number(/^\* (\d+)/.exec(f)![1]));
  assert.ok(recent.length > 0, 'this session holds \\Recent for some messages');
  const line = (ns: number[]): string => `* SEARCH${ns.map((n) => ` ${n}`).join('')}`;
  assert.equal(await search('SEARCH RECENT'), line(recent));
  assert.equal(await search('SEARCH OLD'), line([1, 2, 3, 4].filter((n) => !recent.includes(n))));
  assert.equal(await search('SEARCH NEW'), line(recent.filter((n) => unseen.includes(n))));
});

test('BODY and TEXT search decoded text case-insensitively', async () => {
  assert.equal(await search('SEARCH BODY NUMBERS'), '* SEARCH 1');
  assert.equal(await search('SEARCH BODY quarterly'), '* SEARCH');
  assert.equal(await search('SEARCH TEXT quarterly'), '* SEARCH 1');
  assert.equal(await search(`SEARCH CHARSET UTF-8 BODY {${Buffer.byteLength('schöne')}+}\r\nschöne`), '* SEARCH 2');
  assert.equal(await search('SEARCH TEXT noon'), '* SEARCH 3');
});

test('internal-date and sent-date keys', async () => {
  assert.equal(await search('SEARCH BEFORE 15-Mar-2021'), '* SEARCH 1');
  assert.equal(await search('SEARCH ON 15-Mar-2021'), '* SEARCH 2');
  assert.equal(await search('SEARCH SINCE 15-Mar-2021'), '* SEARCH 2 3 4');
  // message 2 was sent on the 15th in its own zone (the 16th in UTC)
  assert.equal(await search('SEARCH SENTON 15-Mar-2021'), '* SEARCH 2');
  assert.equal(await search('SEARCH SENTBEFORE 16-Mar-2021'), '* SEARCH 1 2 3 4');
  assert.equal(await search('SEARCH SENTSINCE 2-Feb-2020'), '* SEARCH 2');
  assert.equal(await search('SEARCH OLDER 1'), '* SEARCH 1 2 3 4');
  assert.equal(await search('SEARCH YOUNGER 1'), '* SEARCH');
});

test('sequence and UID sets, NOT, OR, nesting, UID SEARCH, numbers past the end', async () => {
  assert.equal(await search('SEARCH 2:3'), '* SEARCH 2 3');
  assert.equal(await search('SEARCH *'), '* SEARCH 4');
  assert.equal(await search('SEARCH 1000'), '* SEARCH');
  assert.equal(await search('SEARCH UID 1,4'), '* SEARCH 1 4');
  assert.equal(await search('SEARCH NOT 1:2'), '* SEARCH 3 4');
  assert.equal(await search('SEARCH OR SEEN DRAFT'), '* SEARCH 1 4');
  assert.equal(await search('SEARCH OR (SEEN FROM bob) (NOT UNDELETED ANSWERED)'), '* SEARCH 3');
  assert.equal(await search('SEARCH NOT (OR SEEN DELETED)'), '* SEARCH 2 4');
  assert.equal(await search('UID SEARCH FLAGGED'), '* SEARCH 2');
  assert.equal(await search('UID SEARCH 3:*'), '* SEARCH 3 4');
});

test('CHARSET other than UTF-8/US-ASCII is NO [BADCHARSET]', async () => {
  assert.match((await rawCmd(c, 'SEARCH CHARSET ISO-8859-1 ALL')).tagged, /NO \[BADCHARSET \(UTF-8 US-ASCII\)\]/);
  assert.equal(await search('SEARCH CHARSET us-ascii SEEN'), '* SEARCH 1');
});

test('ESEARCH RETURN MIN/MAX/COUNT/ALL and SEARCHRES SAVE with $', async () => {
  const t = (a: string): string => a.replace(/\(TAG "t\d+"\)/, '(TAG "x")');
  assert.equal(t(await search('SEARCH RETURN () UNSEEN')), '* ESEARCH (TAG "x") ALL 2:4');
  assert.equal(t(await search('SEARCH RETURN (MIN MAX COUNT) UNSEEN')), '* ESEARCH (TAG "x") MIN 2 MAX 4 COUNT 3');
  assert.equal(t(await search('UID SEARCH RETURN (COUNT ALL) 1000')), '* ESEARCH (TAG "x") UID COUNT 0');
  const saved = await rawCmd(c, 'SEARCH RETURN (SAVE) OR SEEN DRAFT');
  assert.equal(saved.untagged.length, 0, 'SAVE alone sends no ESEARCH');
  assert.match(saved.tagged, /OK/);
  assert.equal(await search('SEARCH $'), '* SEARCH 1 4');
  assert.equal(await search('SEARCH NOT $'), '* SEARCH 2 3');
  const fetched = await rawCmd(c, 'FETCH $ UID');
  assert.deepEqual(fetched.untagged.map((b) => b.toString()), ['* 1 FETCH (UID 1)', '* 4 FETCH (UID 4)']);
  assert.equal(t(await search('SEARCH RETURN (SAVE MAX) ALL')), '* ESEARCH (TAG "x") MAX 4');
  assert.equal(await search('UID SEARCH $'), '* SEARCH 4');
  // a failed SEARCH with SAVE empties $
  assert.match((await rawCmd(c, 'SEARCH RETURN (SAVE) CHARSET KOI8-R ALL')).tagged, /NO/);
  assert.equal(await search('SEARCH $'), '* SEARCH');
});

test('imapflow fetches and searches against the server', async () => {
  const maildir = path.join(d.home('flow'), 'Maildir');
  await deliverToMaildir(maildir, 'From: One <one@example.org>\nSubject: first\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhello world\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAECAw==\n--b--\n');
  await deliverToMaildir(maildir, 'From: two@example.org\nSubject: second\n\nanother body\n');
  const client = new ImapFlow({ host: '127.0.0.1', port: d.port('imap', false), secure: false, tls: { rejectUnauthorized: false }, auth: { user: 'flow', pass: 'pw' }, logger: false, disableAutoIdle: true });
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const seen: { uid: number; subject?: string; size?: number; parts: number }[] = [];
    for await (const m of client.fetch('1:*', { uid: true, envelope: true, size: true, bodyStructure: true, flags: true })) {
      seen.push({ uid: m.uid, subject: m.envelope?.subject, size: m.size, parts: m.bodyStructure?.childNodes?.length ?? 0 });
    }
    assert.deepEqual(seen.map((s) => [s.uid, s.subject, s.parts]), [[1, 'first', 2], [2, 'second', 0]]);
    const one = await client.fetchOne('1', { source: true, bodyParts: ['1', '2'] });
    assert.ok(one && one.source?.toString().startsWith('From: One <one@example.org>\r\n'));
    assert.equal(one && one.bodyParts?.get('1')?.toString(), 'hello world');
    const { content } = await client.download('1', '2');
    const chunks: Buffer[] = [];
    assert.ok(content, "download gives a stream");
    for await (const chunk of content) chunks.push(chunk as Buffer);
    assert.deepEqual([...Buffer.concat(chunks)], [0, 1, 2, 3], 'the base64 attachment decoded');
    assert.deepEqual(await client.search({ body: 'WORLD' }), [1]);
    assert.deepEqual(await client.search({ subject: 'second' }, { uid: true }), [2]);
    assert.deepEqual(await client.search({ seen: false }), [1, 2]);
    await client.messageFlagsAdd('1', ['\\Seen']);
    assert.deepEqual(await client.search({ seen: true }), [1]);
  } finally {
    await client.logout();
  }
});
