// FETCH transcripts over real TCP against a real daemon on Maildir: every item, sections and
// partials (bytes compared with Dovecot's for the same messages), implicit \Seen with FLAGS in the
// same response, read-only EXAMINE, UID FETCH, BINARY with UNKNOWN-CTE, a large streamed body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { deliverToMaildir } from '../helpers/maildir.js';
import { ImapTestClient } from './imap-helpers.js';
import { rawCmd } from './imap-fetch-helpers.js';
import { dovecotItems } from '../unit/protocols/imap/fetch/dovecot.js';
import { parseSexp } from '../unit/storage/message/imap-sexp.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mime');
const NAMES = ['simple.eml', 'mixed-attachments.eml', 'rfc822-in-multipart.eml', 'nested.eml', 'bad-encodings.eml'];
const crlf = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

let d: TestDaemon;
let messages: Buffer[];

before(async () => {
  d = await startTestDaemon(['f1', 'f2', 'f3', 'f4', 'f5'].map((name) => ({ name, password: 'pw' })));
  messages = await Promise.all(NAMES.map((n) => readFile(path.join(FIXTURES, n))));
  for (const user of ['f1', 'f2', 'f3']) for (const m of messages) await deliverToMaildir(path.join(d.home(user), 'Maildir'), m);
});

after(async () => {
  await d.stop();
});

async function selected(user: string, command = 'SELECT INBOX'): Promise<ImapTestClient> {
  const c = await ImapTestClient.login(d, user, 'pw');
  assert.match((await c.cmd(command)).tagged, /OK/);
  return c;
}

/** The items of one `* n FETCH (…)` response, after the opening parenthesis, without the closing one. */
function items(response: Buffer, seq: number): Buffer {
  const head = `* ${seq} FETCH (`;
  assert.equal(response.subarray(0, head.length).toString(), head, response.toString('latin1'));
  assert.equal(response[response.length - 1], 0x29);
  return response.subarray(head.length, response.length - 1);
}

test('ENVELOPE, BODYSTRUCTURE, BODY and body sections over the wire equal what Dovecot sends', async () => {
  const c = await selected('f1', 'EXAMINE INBOX');
  const list = ['ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'BODY.PEEK[]', 'BODY.PEEK[HEADER]', 'BODY.PEEK[TEXT]<5.20>', 'BODY.PEEK[1]', 'BODY.PEEK[1.MIME]', 'BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]', 'RFC822.HEADER', 'BINARY.PEEK[1]', 'BINARY.SIZE[1]'];
  const reference = await dovecotItems(messages.slice(0, 4), list);
  for (let i = 0; i < 4; i++) {
    for (let k = 0; k < list.length; k++) {
      const a = await rawCmd(c, `FETCH ${i + 1} (${list[k]})`);
      assert.match(a.tagged, /OK/);
      assert.equal(a.untagged.length, 1, `${NAMES[i]} ${list[k]}: ${a.untagged.join('|')}`);
      const ours = items(a.untagged[0], i + 1);
      const theirs = reference[i][k]!;
      if (NAMES[i] === 'simple.eml' && list[k] === 'ENVELOPE') {
        // Known difference (see body-structure.test.ts): Dovecot sends the folded Subject as a literal.
        assert.deepEqual(parseSexp(ours, 9).value, parseSexp(theirs, 9).value);
        assert.notEqual(ours.toString('latin1'), theirs.toString('latin1'));
        continue;
      }
      assert.equal(ours.toString('latin1'), theirs.toString('latin1'), `${NAMES[i]} ${list[k]}`);
    }
  }
  await c.logout();
});

test('FLAGS, UID, RFC822.SIZE, INTERNALDATE, RFC822 and the ALL/FAST/FULL macros', async () => {
  const c = await selected('f2', 'EXAMINE INBOX');
  const a = await rawCmd(c, 'FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)');
  assert.match(a.tagged, /OK Fetch completed/);
  assert.equal(a.untagged.length, messages.length);
  a.untagged.forEach((r, i) => {
    assert.match(r.toString(), new RegExp(`^\\* ${i + 1} FETCH \\(UID ${i + 1} FLAGS \\(\\) RFC822\\.SIZE ${crlf(messages[i]).length} INTERNALDATE "[ \\d]\\d-[A-Z][a-z]{2}-\\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}"\\)$`));
  });
  const full = await rawCmd(c, 'FETCH 2 RFC822');
  assert.equal(full.untagged[0].toString('latin1'), `* 2 FETCH (RFC822 {${crlf(messages[1]).length}}\r\n${crlf(messages[1]).toString('latin1')})`);
  const fast = await rawCmd(c, 'FETCH 1 FAST');
  assert.match(fast.untagged[0].toString(), /^\* 1 FETCH \(FLAGS \(\) INTERNALDATE "[^"]+" RFC822\.SIZE \d+\)$/);
  const all = await rawCmd(c, 'FETCH 1 ALL');
  assert.match(all.untagged[0].toString(), /^\* 1 FETCH \(FLAGS \(\) INTERNALDATE "[^"]+" RFC822\.SIZE \d+ ENVELOPE \(.*\)\)$/s);
  const fullMacro = await rawCmd(c, 'FETCH 1 FULL');
  assert.match(fullMacro.untagged[0].toString(), / ENVELOPE \(.*\) BODY \("text" "plain" .*\)\)$/s);
  // EXAMINE: RFC822 did not set \Seen
  assert.match((await rawCmd(c, 'FETCH 2 FLAGS')).untagged[0].toString(), /FLAGS \(\)/);
  await c.logout();
});

test('a non-PEEK body fetch sets \\Seen and reports FLAGS in the same response, once', async () => {
  const c = await selected('f3');
  const a = await rawCmd(c, 'FETCH 1 (BODY[TEXT]<0.5>)');
  assert.equal(a.untagged.length, 1, a.untagged.join('|'));
  assert.equal(a.untagged[0].toString(), '* 1 FETCH (FLAGS (\\Seen \\Recent) BODY[TEXT]<0> {5}\r\nHello)');
  const again = await rawCmd(c, 'FETCH 1 (BODY[TEXT]<0.5>)');
  assert.equal(again.untagged[0].toString(), '* 1 FETCH (BODY[TEXT]<0> {5}\r\nHello)', 'already seen: no FLAGS');
  const peek = await rawCmd(c, 'FETCH 2 (BODY.PEEK[HEADER] FLAGS)');
  assert.match(peek.untagged[0].toString(), /FLAGS \(\\Recent\)\)$/);
  const rfc822text = await rawCmd(c, 'UID FETCH 2 (RFC822.TEXT)');
  assert.match(rfc822text.untagged[0].toString(), /^\* 2 FETCH \(FLAGS \(\\Seen \\Recent\) UID 2 RFC822\.TEXT \{\d+\}\r\n/);
  const binary = await rawCmd(c, 'FETCH 3 (BINARY[1])');
  assert.match(binary.untagged[0].toString(), /^\* 3 FETCH \(FLAGS \(\\Seen \\Recent\) BINARY\[1\] /);
  // a second session sees the flag on disk
  const other = await selected('f3', 'EXAMINE INBOX');
  const flags = await rawCmd(other, 'FETCH 1:3 FLAGS');
  assert.deepEqual(flags.untagged.map((b) => b.toString()), ['* 1 FETCH (FLAGS (\\Seen))', '* 2 FETCH (FLAGS (\\Seen))', '* 3 FETCH (FLAGS (\\Seen))']);
  await other.logout();
  await c.logout();
});

test('UID FETCH adds UID, skips UIDs that do not exist; a bad sequence number is BAD', async () => {
  const c = await selected('f2', 'EXAMINE INBOX');
  const a = await rawCmd(c, 'UID FETCH 2,4,99 FLAGS');
  assert.deepEqual(a.untagged.map((b) => b.toString()), ['* 2 FETCH (UID 2 FLAGS ())', '* 4 FETCH (UID 4 FLAGS ())']);
  assert.match(a.tagged, /OK/);
  assert.match((await rawCmd(c, 'FETCH 99 FLAGS')).tagged, /BAD/);
  const star = await rawCmd(c, 'UID FETCH * UID');
  assert.deepEqual(star.untagged.map((b) => b.toString()), [`* ${messages.length} FETCH (UID ${messages.length})`]);
  await c.logout();
});

test('BINARY of an x-uuencode part is NO [UNKNOWN-CTE]; base64 and QP parts decode; BINARY.SIZE agrees', async () => {
  const c = await selected('f2', 'EXAMINE INBOX');
  assert.match((await rawCmd(c, 'FETCH 5 (BINARY.PEEK[3])')).tagged, /NO \[UNKNOWN-CTE\]/);
  const b64 = await rawCmd(c, 'FETCH 5 (BINARY.SIZE[1] BINARY.PEEK[1])');
  const text = b64.untagged[0].toString();
  const size = Number(/BINARY\.SIZE\[1\] (\d+)/.exec(text)?.[1]);
  assert.match(text, new RegExp(`BINARY\\[1\\] ~?\\{${size}\\}\\r\\n`));
  await c.logout();
});

test('an 8 MB message is streamed whole and in part, byte for byte', async () => {
  const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijk\n';
  const big = Buffer.from(`From: big@example.org\nSubject: big\n\n${line.repeat(Math.ceil((8 * 1024 * 1024) / line.length))}`);
  await deliverToMaildir(path.join(d.home('f4'), 'Maildir'), big);
  const c = await selected('f4', 'EXAMINE INBOX');
  const expected = crlf(big);
  const a = await rawCmd(c, 'FETCH 1 (BODY.PEEK[])');
  const head = `* 1 FETCH (BODY[] {${expected.length}}\r\n`;
  assert.equal(a.untagged[0].subarray(0, head.length).toString(), head);
  const body = a.untagged[0].subarray(head.length, a.untagged[0].length - 1);
  assert.equal(createHash('sha256').update(body).digest('hex'), createHash('sha256').update(expected).digest('hex'));
  const part = await rawCmd(c, 'FETCH 1 (BODY.PEEK[TEXT]<5000000.100>)');
  const text = expected.subarray(expected.indexOf('\r\n\r\n') + 4);
  assert.equal(part.untagged[0].toString('latin1'), `* 1 FETCH (BODY[TEXT]<5000000> {100}\r\n${text.subarray(5_000_000, 5_000_100).toString('latin1')})`);
  await c.logout();
});

test('a message expunged by another session is answered cleanly: its bytes or NO [EXPUNGEISSUED], never padding', async () => {
  const maildir = path.join(d.home('f5'), 'Maildir');
  await deliverToMaildir(maildir, 'From: a@example.org\nSubject: doomed\n\nfirst body\n');
  await deliverToMaildir(maildir, 'From: b@example.org\nSubject: kept\n\nsecond body\n');
  const a = await selected('f5');
  const b = await selected('f5');
  assert.match((await b.cmd('STORE 1 +FLAGS.SILENT (\\Deleted)')).tagged, /OK/);
  assert.match((await b.cmd('EXPUNGE')).tagged, /OK/);
  const r = await rawCmd(a, 'FETCH 1:2 (BODY.PEEK[TEXT])');
  const texts = r.untagged.map((x) => x.toString()).filter((x) => x.includes(' FETCH '));
  assert.ok(!texts.some((x) => / {5}/.test(x)), `no padding: ${texts.join('|')}`);
  assert.ok(texts.includes('* 2 FETCH (BODY[TEXT] {13}\r\nsecond body\r\n)'), texts.join('|'));
  if (texts.length === 1) assert.match(r.tagged, /NO \[EXPUNGEISSUED\]/);
  else assert.equal(texts[0], '* 1 FETCH (BODY[TEXT] {12}\r\nfirst body\r\n)');
  // no EXPUNGE during FETCH; the next NOOP tells
  assert.ok(!r.untagged.some((x) => /EXPUNGE/.test(x.toString())));
  const noop = await a.cmd('NOOP');
  assert.ok(noop.untagged.includes('* 1 EXPUNGE'), noop.untagged.join('|'));
  await a.logout();
  await b.logout();
});

test('UID FETCH of an expunged UID is silently empty; FETCH after the EXPUNGE renumbers', async () => {
  const a = await selected('f5');
  const r = await rawCmd(a, 'UID FETCH 1:2 (UID FLAGS)');
  assert.deepEqual(r.untagged.map((x) => x.toString()), ['* 1 FETCH (UID 2 FLAGS ())']);
  assert.match(r.tagged, /OK/);
  await a.logout();
});
