import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parts, scan, tempDir, tiles, DATE } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
let n = 0;
before(async () => {
  t = await tempDir();
});
after(() => t.cleanup());

async function scanText(text: string | Buffer, options = {}) {
  const path = await t.file(`m${n++}`, text);
  const r = await scan(path, text, options);
  assert.ok(tiles(r), 'messages and garbage tile the file');
  // Same results whatever the buffer size (chunk boundaries anywhere).
  for (const bufferSize of [1, 2, 3, 5, 7, 13, 64]) {
    const again = await scan(path, text, { ...options, bufferSize });
    assert.deepEqual(again.messages, r.messages, `bufferSize ${bufferSize}`);
    assert.deepEqual(again.leadingGarbage, r.leadingGarbage, `bufferSize ${bufferSize}`);
  }
  return r;
}

const crlf = (s: string) => s.replace(/\n/g, '\r\n');

test('mboxo: quoted >From lines stay in the body, messages split at blank line + From', async () => {
  const text =
    `From alice@example.org ${DATE}\nSubject: one\n\nhello\n>From the start\n\n` +
    `From bob@example.org ${DATE}\nSubject: two\n\nsecond\n\n` +
    `From carol@example.org ${DATE}\nSubject: three\n\nthird\n`;
  const r = await scanText(text);
  assert.equal(r.leadingGarbage, null);
  assert.deepEqual(
    r.messages.map((m) => parts(r.bytes, m)),
    [
      { from: `From alice@example.org ${DATE}`, headers: 'Subject: one\n', body: 'hello\n>From the start\n' },
      { from: `From bob@example.org ${DATE}`, headers: 'Subject: two\n', body: 'second\n' },
      { from: `From carol@example.org ${DATE}`, headers: 'Subject: three\n', body: 'third\n' },
    ],
  );
  assert.equal(r.messages[0].sender, 'alice@example.org');
  assert.equal(r.messages[0].date, DATE);
  assert.equal(r.messages[0].lineEnding, 'lf');
  assert.ok(r.messages.every((m) => !m.truncated && m.contentLength === null));
});

test('mboxrd: >>From lines are kept as stored', async () => {
  const text = `From a@b ${DATE}\nSubject: rd\n\n>From x\n>>From y\n>>>From z\n\nFrom c@d ${DATE}\n\nlast\n\n`;
  const r = await scanText(text);
  assert.equal(r.messages.length, 2);
  assert.equal(parts(r.bytes, r.messages[0]).body, '>From x\n>>From y\n>>>From z\n');
  assert.equal(parts(r.bytes, r.messages[1]).body, 'last\n', 'the final blank line is the separator, not body');
});

test('a From line without a blank line before it, or that is prose, does not split', async () => {
  const text = `From a@b ${DATE}\nSubject: x\n\nline\nFrom c@d ${DATE}\n\nFrom what I hear it works\nend\n`;
  const r = await scanText(text);
  assert.equal(r.messages.length, 1);
  assert.equal(parts(r.bytes, r.messages[0]).body, `line\nFrom c@d ${DATE}\n\nFrom what I hear it works\nend\n`);
});

test('mboxcl2: a valid Content-Length is trusted, so unquoted From lines in the body do not split', async () => {
  const body1 = `intro\n\nFrom evil@x ${DATE}\nnot a new message\n`;
  const text =
    `From a@b ${DATE}\nContent-Length: ${body1.length}\nSubject: cl2\n\n${body1}\n` + `From c@d ${DATE}\nContent-Length: 5\n\nbody\n\n`;
  const r = await scanText(text);
  assert.equal(r.messages.length, 2);
  assert.equal(parts(r.bytes, r.messages[0]).body, body1);
  assert.equal(r.messages[0].contentLength, body1.length);
  assert.equal(r.messages[0].contentLengthTrusted, true);
  assert.equal(parts(r.bytes, r.messages[1]).body, 'body\n');
  assert.equal(r.messages[1].contentLengthTrusted, true, 'body + blank line + EOF is trusted');
  assert.equal(r.messages[1].end, text.length);
});

test('mboxcl: Content-Length plus >From quoting', async () => {
  const body = '>From quoted\nok\n';
  const text = `From a@b ${DATE}\nContent-Length: ${body.length}\n\n${body}\nFrom c@d ${DATE}\nContent-Length: 3\n\nxy\n`;
  const r = await scanText(text);
  assert.deepEqual(
    r.messages.map((m) => [parts(r.bytes, m).body, m.contentLengthTrusted]),
    [
      [body, true],
      ['xy\n', true],
    ],
  );
});

test('a wrong Content-Length (too short, too long, mid-line, not a number) falls back to scanning', async () => {
  for (const cl of ['3', '9999', '7', 'abc', '-1']) {
    const text = `From a@b ${DATE}\nContent-Length: ${cl}\n\nline one\nline two\n\nFrom c@d ${DATE}\n\nsecond\n`;
    const r = await scanText(text);
    assert.equal(r.messages.length, 2, `Content-Length ${cl}`);
    assert.equal(parts(r.bytes, r.messages[0]).body, 'line one\nline two\n', `Content-Length ${cl}`);
    assert.equal(r.messages[0].contentLengthTrusted, false);
    assert.equal(r.messages[0].truncated, false, 'a wrong length followed by another message is not truncation');
  }
});

test('Content-Length pointing at a blank line followed by prose is not trusted', async () => {
  const text = `From a@b ${DATE}\nContent-Length: 2\n\na\n\nFrom here on, text\n\nFrom c@d ${DATE}\n\nz\n`;
  const r = await scanText(text);
  assert.equal(r.messages.length, 2);
  assert.equal(parts(r.bytes, r.messages[0]).body, 'a\n\nFrom here on, text\n');
});

test('CRLF files split the same way and the separator blank line is excluded', async () => {
  const text = crlf(`From a@b ${DATE}\nSubject: one\n\nhello\n>From x\n\nFrom c@d ${DATE}\nSubject: two\n\nbye\n\n`);
  const r = await scanText(text);
  assert.deepEqual(
    r.messages.map((m) => [parts(r.bytes, m).headers, parts(r.bytes, m).body, m.lineEnding]),
    [
      ['Subject: one\r\n', 'hello\r\n>From x\r\n', 'crlf'],
      ['Subject: two\r\n', 'bye\r\n', 'crlf'],
    ],
  );
  assert.equal(r.messages[0].fromLine, `From a@b ${DATE}`);
  const cl = crlf(`From a@b ${DATE}\nContent-Length: 8\n\nxx\nyy\n\nFrom c@d ${DATE}\n\nz\n`);
  const r2 = await scanText(cl);
  assert.equal(r2.messages[0].contentLengthTrusted, true);
  assert.equal(parts(r2.bytes, r2.messages[0]).body, 'xx\r\nyy\r\n');
});

test('a truncated last message is returned with what there is', async () => {
  const inHeaders = `From a@b ${DATE}\n\nok\n\nFrom c@d ${DATE}\nSubject: cut`;
  const r = await scanText(inHeaders);
  assert.equal(r.messages.length, 2);
  assert.equal(r.messages[1].truncated, true);
  assert.equal(parts(r.bytes, r.messages[1]).headers, 'Subject: cut');
  assert.equal(parts(r.bytes, r.messages[1]).body, '');
  assert.equal(r.messages[0].truncated, false);

  const shortBody = `From a@b ${DATE}\nContent-Length: 500\n\nonly a little`;
  const r2 = await scanText(shortBody);
  assert.equal(r2.messages[0].truncated, true);
  assert.equal(parts(r2.bytes, r2.messages[0]).body, 'only a little');

  const fromOnly = `From a@b ${DATE}`;
  const r3 = await scanText(fromOnly);
  assert.equal(r3.messages.length, 1);
  assert.equal(r3.messages[0].truncated, true);
  assert.equal(r3.messages[0].headerStart, fromOnly.length);
});

test('a file not starting with a From line reports leading garbage and still finds later messages', async () => {
  const text = `Subject: no envelope\n\nsome text\n\nFrom a@b ${DATE}\n\nreal\n`;
  const r = await scanText(text);
  assert.deepEqual(r.leadingGarbage, { start: 0, end: text.indexOf('From a@b') });
  assert.equal(r.messages.length, 1);
  assert.equal(parts(r.bytes, r.messages[0]).body, 'real\n');

  const none = 'just some text\nwith lines\n';
  const r2 = await scanText(none);
  assert.deepEqual(r2.leadingGarbage, { start: 0, end: none.length });
  assert.equal(r2.messages.length, 0);
});

test('a 0-byte file is an empty mailbox', async () => {
  const r = await scanText('');
  assert.deepEqual([r.messages, r.leadingGarbage, r.end], [[], null, 0]);
});

test('binary garbage never crashes and every byte is accounted for', async () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const blob = Buffer.alloc(20000);
  for (let i = 0; i < blob.length; i++) blob[i] = rnd() & 0xff;
  // Sprinkle line ends, blank lines and From lines into the noise.
  const withFroms = Buffer.concat([blob.subarray(0, 5000), Buffer.from(`\n\nFrom a@b ${DATE}\n`), blob.subarray(5000), Buffer.from(`\n\nFrom c@d ${DATE}\n\n\0\0\0`)]);
  for (const data of [blob, withFroms, Buffer.concat([Buffer.from(`From a@b ${DATE}\n`), blob])]) {
    const r = await scanText(data);
    assert.ok(r.end === data.length);
  }
  const r = await scanText(withFroms);
  assert.equal(r.messages.length, 2);
  assert.ok(r.leadingGarbage);
});

test('a line longer than the read buffer and head cap is handled in bounded pieces', async () => {
  const long = 'x'.repeat(300_000);
  const text = `From a@b ${DATE}\nX-Long: ${long}\nX-UID: 7\n\n${long}\n\nFrom c@d ${DATE}\n\nz\n`;
  const path = await t.file('long', text);
  const r = await scan(path, text, { bufferSize: 4096 });
  assert.ok(tiles(r));
  assert.equal(r.messages.length, 2);
  assert.equal(r.messages[0].uid, 7);
  assert.equal(parts(r.bytes, r.messages[0]).body, `${long}\n`);
});

test('metadata headers are parsed and their byte ranges cover the whole (folded) field', async () => {
  const text =
    `From a@b ${DATE}\nX-IMAPbase: 1700000000 42 $Junk work\nStatus: RO\nX-Status: AF\nX-Keywords: $Label1\n  urgent\nX-UID: 41\n` +
    `X-UIDL: abc123\nContent-Length: 3\nSubject: s\nX-UID: 99\n\nhi\n\n` +
    `From MAILER-DAEMON ${DATE}\nX-IMAP: 1600000000 0000000007 k1\nStatus: RO\n\nThis text is part of the internal format of your mail folder.\n\n` +
    `From c@d ${DATE}\nX-UID: bogus\nX-Status: \n\nz\n`;
  const r = await scanText(text);
  const [m1, m2, m3] = r.messages;
  assert.deepEqual(m1.imapBase, { uidValidity: 1700000000, lastUid: 42, keywords: ['$Junk', 'work'] });
  assert.equal(m1.status, 'RO');
  assert.equal(m1.xStatus, 'AF');
  assert.deepEqual(m1.keywords, ['$Label1', 'urgent']);
  assert.equal(m1.uid, 41, 'the first X-UID wins');
  assert.deepEqual(
    m1.extraFields.map((f) => [f.name, f.value, r.bytes.toString('latin1', f.start, f.end)]),
    [['X-UID', '99', 'X-UID: 99\n']],
    'the repeated X-UID is kept aside with its range',
  );
  assert.equal(m1.dateHasZone, false);
  assert.equal(m1.uidl, 'abc123');
  assert.equal(m1.contentLength, 3);
  assert.equal(m1.contentLengthTrusted, true);
  assert.equal(r.bytes.toString('latin1', m1.fields['x-keywords']?.start, m1.fields['x-keywords']?.end), 'X-Keywords: $Label1\n  urgent\n');
  assert.equal(r.bytes.toString('latin1', m1.fields['status']?.start, m1.fields['status']?.end), 'Status: RO\n');
  assert.equal(r.bytes.toString('latin1', m1.fields['x-imapbase']?.start, m1.fields['x-imapbase']?.end), 'X-IMAPbase: 1700000000 42 $Junk work\n');
  assert.deepEqual(m2.imap, { uidValidity: 1600000000, lastUid: 7, keywords: ['k1'] });
  assert.equal(m2.imapBase, null);
  assert.equal(m3.uid, null, 'an invalid X-UID is reported as absent');
  assert.equal(m3.fields['x-uid']?.value, 'bogus');
  assert.equal(m3.xStatus, '');
  assert.equal(m3.status, null);
});

test('scanning from a start offset (after an append) yields only the new tail', async () => {
  const text = `From a@b ${DATE}\n\none\n\nFrom c@d ${DATE}\n\ntwo\n\nFrom e@f ${DATE}\n\nthree\n`;
  const full = await scanText(text);
  const start = full.messages[1].fromOffset;
  const path = await t.file('tail', text);
  const tail = await scan(path, text, { start });
  assert.deepEqual(tail.messages, full.messages.slice(1));
  assert.ok(tiles(tail, start));
  const bounded = await scan(path, text, { start, end: full.messages[2].fromOffset });
  assert.equal(bounded.messages.length, 1);
  await assert.rejects(scan(path, text, { start: text.length + 1 }), RangeError);
});

test('limits are parameters: overlong metadata values are flagged, overlong From lines do not split', async () => {
  const text = `From a@b ${DATE}\nX-Keywords: ${'k '.repeat(100)}\nX-UID: 12345\n\nbody\n\nFrom ${'x'.repeat(80)}@b ${DATE}\n\nstill body\n`;
  const r = await scanText(text, { maxHeaderValueLength: 50, maxFromLineLength: 60 });
  assert.equal(r.messages.length, 1, 'a From line over maxFromLineLength is body text');
  const m = r.messages[0];
  assert.equal(m.fields['x-keywords']?.overlong, true);
  assert.equal(m.keywords, null, 'no parsed value from a cut field');
  assert.equal(m.uid, 12345);
  const wide = await scanText(text);
  assert.equal(wide.messages.length, 2);
  assert.equal(wide.messages[0].keywords?.length, 100);
});
