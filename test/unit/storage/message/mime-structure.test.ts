// The MIME tree of each torture fixture pinned: types, part numbers, and offsets checked by
// slicing the CRLF form of the message and comparing the text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../../../storage/message/parse-message.js';
import { resolveSection } from '../../../../storage/message/section.js';
import type { MimeNode, ParsedMessage } from '../../../../storage/message/types.js';
import { chunked, fixture, fixtureNames, toCrlf } from './fixtures.js';
import { generatedMessages } from './generated-messages.js';

async function load(name: string): Promise<{ msg: ParsedMessage; crlf: string }> {
  const raw = await fixture(name);
  return { msg: await parseMessage(raw), crlf: toCrlf(raw).toString('latin1') };
}

const header = (crlf: string, n: MimeNode): string => crlf.slice(n.headerStart, n.headerEnd);
const body = (crlf: string, n: MimeNode): string => crlf.slice(n.bodyStart, n.bodyEnd);
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

function nodeAt(root: MimeNode, path: number[]): MimeNode {
  let node = root;
  for (const i of path) {
    const inner = node.message ? node.message.root : node;
    node = inner.children[i - 1];
    assert.ok(node, `part ${path.join('.')} exists`);
  }
  return node;
}

function allNodes(root: MimeNode): MimeNode[] {
  const out: MimeNode[] = [root];
  if (root.message) out.push(...allNodes(root.message.root));
  for (const c of root.children) out.push(...allNodes(c));
  return out;
}

function countCrlf(s: string): number {
  return s.split('\r\n').length - 1;
}

test('every node of every fixture has consistent offsets, sizes and line counts', async () => {
  const cases = [
    ...(await Promise.all((await fixtureNames()).map(async (n) => ({ name: n, bytes: await fixture(n) })))),
    ...generatedMessages(),
  ];
  for (const { name, bytes } of cases) {
    const msg = await parseMessage(bytes);
    const crlf = toCrlf(bytes).toString('latin1');
    assert.equal(msg.size, crlf.length, `${name}: size`);
    assert.equal(msg.lines, countCrlf(crlf), `${name}: lines`);
    assert.equal(msg.headerSize, msg.root.headerEnd, `${name}: header size`);
    for (const n of allNodes(msg.root)) {
      const where = `${name} part [${n.partPath.join('.')}]`;
      assert.ok(n.headerStart <= n.headerEnd && n.headerEnd === n.bodyStart && n.bodyStart <= n.bodyEnd && n.bodyEnd <= msg.size, where);
      assert.equal(n.bodySize, n.bodyEnd - n.bodyStart, `${where}: bodySize`);
      assert.equal(n.bodyLines, countCrlf(body(crlf, n)), `${where}: bodyLines`);
      let prevEnd = n.bodyStart;
      n.children.forEach((c, i) => {
        assert.deepEqual(c.partPath, [...n.partPath, i + 1], `${where}: child numbering`);
        assert.ok(c.headerStart >= prevEnd && c.bodyEnd <= n.bodyEnd, `${where}: child ${i + 1} inside parent, in order`);
        prevEnd = c.bodyEnd;
      });
      if (n.message) {
        assert.deepEqual(n.message.root.partPath, n.partPath, `${where}: embedded root numbering`);
        assert.equal(n.message.root.headerStart, n.bodyStart, `${where}: embedded message starts with the body`);
        // it ends with the body, except that a header cut right before a boundary leaves its last
        // CRLF to the enclosing part (Dovecot's reading, see mime-parser.ts)
        const inner = n.message.root;
        const cut = inner.bodySize === 0 && inner.bodyEnd === n.bodyEnd - 2 && crlf.slice(inner.bodyEnd, n.bodyEnd) === '\r\n';
        assert.ok(inner.bodyEnd === n.bodyEnd || cut, `${where}: embedded message ends with the body`);
      }
    }
  }
});

test('LF-only and CRLF versions of every fixture parse to identical results', async () => {
  for (const name of await fixtureNames()) {
    const raw = await fixture(name);
    assert.deepEqual(await parseMessage(toCrlf(raw)), await parseMessage(raw), name);
  }
});

test('the result does not depend on how the input is chunked (1, 2, 3, 7, 64 bytes)', async () => {
  for (const name of await fixtureNames()) {
    const raw = await fixture(name);
    const whole = await parseMessage(raw);
    for (const size of [1, 2, 3, 7, 64]) {
      assert.deepEqual(await parseMessage(chunked(raw, size)), whole, `${name} in ${size}-byte chunks`);
      assert.deepEqual(await parseMessage(chunked(toCrlf(raw), size)), whole, `${name} (CRLF) in ${size}-byte chunks`);
    }
  }
});

test('simple text message: root is the text part with its charset and encoding', async () => {
  const { msg, crlf } = await load('simple.eml');
  const r = msg.root;
  assert.deepEqual(r.partPath, []);
  assert.deepEqual(r.contentType, { type: 'text', subtype: 'plain', params: { charset: 'utf-8' } });
  assert.equal(r.contentTransferEncoding, '8bit');
  assert.equal(r.children.length, 0);
  assert.ok(header(crlf, r).startsWith('Return-Path: <alice@example.org>\r\n'));
  assert.ok(header(crlf, r).endsWith('Content-Transfer-Encoding: 8bit\r\n\r\n'));
  assert.equal(body(crlf, r), utf8('Hello Bob,\r\n\r\nthis is a simple message with a long-ish first paragraph.\r\nGrüße, Alice\r\n'));
  assert.equal(r.bodyLines, 4);
});

test('multipart/mixed with attachments: parts, content fields and bodies', async () => {
  const { msg, crlf } = await load('mixed-attachments.eml');
  const r = msg.root;
  assert.deepEqual(r.contentType, { type: 'multipart', subtype: 'mixed', params: { boundary: '=_mixed_1' } });
  assert.equal(r.children.length, 3);
  const [text, pdf, png] = r.children;
  assert.equal(header(crlf, text), 'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n');
  assert.equal(body(crlf, text), 'See the attached report.\r\n');
  assert.deepEqual(pdf.contentType, { type: 'application', subtype: 'pdf', params: { name: 'report.pdf' } });
  assert.equal(pdf.contentTransferEncoding, 'base64');
  assert.deepEqual(pdf.contentDisposition, { type: 'attachment', params: { filename: 'report.pdf', size: '48' } });
  assert.equal(pdf.contentId, '<report@example.org>');
  assert.equal(pdf.contentDescription, 'Quarterly report');
  assert.deepEqual(pdf.contentLanguage, ['en', 'de']);
  assert.equal(pdf.contentLocation, 'http://example.org/report.pdf');
  assert.equal(pdf.contentMd5, 'Q2hlY2sgSW50ZWdyaXR5IQ==');
  assert.equal(body(crlf, pdf), 'JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg==');
  assert.deepEqual(png.contentDisposition, { type: 'inline', params: {} });
  assert.equal(body(crlf, png), 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\nYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r\n');
  assert.ok(body(crlf, r).startsWith('This is a multi-part message in MIME format.\r\n\r\n--=_mixed_1\r\n'));
  assert.ok(body(crlf, r).endsWith('--=_mixed_1--\r\n'));
});

test('nested multiparts are numbered as IMAP sections', async () => {
  const { msg, crlf } = await load('nested.eml');
  const types = allNodes(msg.root).map((n) => `${n.partPath.join('.') || 'root'} ${n.contentType.type}/${n.contentType.subtype}`);
  assert.deepEqual(types, [
    'root multipart/mixed',
    '1 multipart/alternative',
    '1.1 text/plain',
    '1.2 multipart/related',
    '1.2.1 text/html',
    '1.2.2 image/gif',
    '2 text/plain',
  ]);
  assert.equal(body(crlf, nodeAt(msg.root, [1, 1])), 'plain text');
  assert.equal(body(crlf, nodeAt(msg.root, [1, 2, 1])), '<p>caf=E9</p>');
  assert.equal(body(crlf, nodeAt(msg.root, [1, 2, 2])), 'R0lGODlhAQABAAAAACw=');
  assert.equal(body(crlf, nodeAt(msg.root, [1, 2])), '--rel\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>caf=E9</p>\r\n--rel\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <img1>\r\n\r\nR0lGODlhAQABAAAAACw=\r\n--rel--\r\n');
  assert.deepEqual(nodeAt(msg.root, [1, 2]).contentType.params, { boundary: 'rel', type: 'text/html' });
  assert.equal(body(crlf, nodeAt(msg.root, [2])), 'notes');
});

test('message/rfc822 inside a multipart carries the embedded envelope and tree', async () => {
  const { msg, crlf } = await load('rfc822-in-multipart.eml');
  const fwd = nodeAt(msg.root, [2]);
  assert.deepEqual(fwd.contentType, { type: 'message', subtype: 'rfc822', params: {} });
  assert.equal(fwd.contentDescription, 'forwarded');
  assert.ok(fwd.message);
  const inner = fwd.message.root;
  assert.ok(header(crlf, inner).startsWith('From: Inner Sender <inner@example.net>\r\n'));
  assert.equal(fwd.message.envelope.subject, 'inner');
  assert.equal(fwd.message.envelope.date, '1 Mar 2026 08:00 GMT');
  assert.deepEqual(fwd.message.envelope.to, [
    { name: null, adl: null, mailbox: 'undisclosed-recipients', host: null },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  assert.deepEqual(inner.children.map((c) => c.partPath), [[2, 1], [2, 2]]);
  assert.equal(body(crlf, nodeAt(msg.root, [2, 1])), 'inner plain');
  assert.equal(body(crlf, nodeAt(msg.root, [2, 2])), '<i>inner html</i>');
  assert.ok(body(crlf, fwd).endsWith('--innerb--\r\n'));
  assert.equal(fwd.bodyLines, 16);
});

test('message/rfc822 as the root body', async () => {
  const { msg, crlf } = await load('rfc822-root.eml');
  assert.ok(msg.root.message);
  const inner = msg.root.message.root;
  assert.deepEqual(inner.partPath, []);
  assert.equal(header(crlf, inner), 'From: original@example.net\r\nSubject: the original\r\nReply-To: replies@example.net\r\n\r\n');
  assert.equal(body(crlf, inner), 'Original body line 1.\r\nOriginal body line 2.\r\n');
  assert.equal(msg.root.message.envelope.subject, 'the original');
  assert.deepEqual(msg.root.message.envelope.replyTo, [{ name: null, adl: null, mailbox: 'replies', host: 'example.net' }]);
  assert.equal(msg.envelope.subject, 'wrapped');
});

test('a missing closing boundary ends the last part at the end of the message', async () => {
  const { msg, crlf } = await load('missing-close-boundary.eml');
  assert.equal(msg.root.children.length, 2);
  assert.equal(body(crlf, msg.root.children[0]), 'first part');
  assert.equal(body(crlf, msg.root.children[1]), 'second part, never closed\r\n');
  assert.equal(msg.root.children[1].bodyEnd, msg.size);
});

test('a multipart without boundary parameter keeps its type and gets one empty part', async () => {
  const { msg } = await load('missing-boundary-param.eml');
  assert.deepEqual(msg.root.contentType, { type: 'multipart', subtype: 'mixed', params: {} });
  assert.equal(msg.root.children.length, 1);
  const only = msg.root.children[0];
  assert.deepEqual(only.contentType, { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
  assert.equal(only.bodySize, 0);
  assert.equal(only.headerStart, msg.size);
});

test('boundary look-alikes are text, and an outer boundary closes an inner multipart', async () => {
  const { msg, crlf } = await load('boundary-in-part.eml');
  assert.equal(msg.root.children.length, 3);
  assert.equal(
    body(crlf, nodeAt(msg.root, [1])),
    'A line that mentions --sep in the middle is text.\r\n --sep indented is text too.\r\n-sep with one dash is text.',
  );
  assert.equal(body(crlf, nodeAt(msg.root, [2, 1])), 'inner one');
  assert.equal(body(crlf, nodeAt(msg.root, [2, 2])), 'inner two, the outer boundary closes this part');
  assert.equal(body(crlf, nodeAt(msg.root, [3])), 'last');
});

test('preamble and epilogue belong to the multipart body, not to its parts', async () => {
  const { msg, crlf } = await load('preamble-epilogue.eml');
  assert.equal(body(crlf, msg.root.children[0]), 'only part');
  assert.equal(body(crlf, msg.root), 'preamble line 1\r\npreamble line 2\r\n--pe\r\nContent-Type: text/plain\r\n\r\nonly part\r\n--pe--\r\nepilogue line 1\r\nepilogue line 2\r\n');
});

test('an empty body and a header without blank line', async () => {
  const empty = await load('empty-body.eml');
  assert.equal(empty.msg.headerSize, empty.msg.size);
  assert.equal(empty.msg.root.bodySize, 0);
  const only = await load('headers-only.eml');
  assert.equal(only.msg.root.headerEnd, only.msg.size);
  assert.equal(only.msg.root.bodySize, 0);
  assert.equal(only.msg.envelope.subject, 'headers only');
  assert.equal(header(only.crlf, only.msg.root), 'From: a@example.org\r\nSubject: headers only\r\nX-Last: no blank line follows');
});

test('multipart/digest parts default to message/rfc822', async () => {
  const { msg } = await load('digest.eml');
  const [first, second] = msg.root.children;
  assert.deepEqual(first.contentType, { type: 'message', subtype: 'rfc822', params: {} });
  assert.equal(first.message?.envelope.subject, 'first');
  assert.deepEqual(second.contentType.type, 'text');
});

test('RFC 2231 parameters are decoded, with the wire form kept for the protocol layer', async () => {
  const { msg } = await load('rfc2231.eml');
  const [app, text] = msg.root.children;
  assert.deepEqual(app.contentType.params, { name: '日本語.txt' });
  assert.deepEqual(app.contentType.wireParams, { 'name*': "utf-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt" });
  assert.deepEqual(app.contentDisposition?.params, { filename: 'very long file name.txt' });
  assert.deepEqual(text.contentType.params, { title: '£ rate', charset: 'ISO-8859-1' });
  assert.equal(text.contentDisposition?.type, 'inline');
  assert.equal(text.contentDisposition?.params.filename, '=?utf-8?Q?a=C3=A4.txt?=');
});

test('lone CRs stay single bytes; mixed line ends are normalized', async () => {
  const msg = await parseMessage(Buffer.from('Subject: cr\r\n\r\nline with \r lone CR\r\nlast\r'));
  assert.equal(msg.size, 13 + 2 + 21 + 5);
  assert.equal(msg.lines, 3);
  assert.equal(msg.root.bodySize, 21 + 5);
  const mixed = await parseMessage(Buffer.from('Subject: m\n\r\nA\nB\r\nC'));
  assert.equal(mixed.size, 12 + 2 + 3 + 3 + 1);
  assert.equal(mixed.root.bodyLines, 2);
});

test('malformed input never throws', async () => {
  const inputs = [
    'Content-Type: multipart/mixed; boundary="unterminated\n\n--unterminated\n',
    'Content-Type: ;;;===\n\nx',
    'Content-Type: text\n\nx',
    'Content-Type: message/rfc822\n\n',
    ':\n: :\n\n',
    '\0\0\0\n\n\0',
    'Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=a\n\n--a\n--a--\n--a--\n',
  ];
  for (const s of inputs) {
    const msg = await parseMessage(Buffer.from(s));
    assert.equal(msg.size, toCrlf(Buffer.from(s)).length, JSON.stringify(s));
  }
  const bad = await parseMessage(Buffer.from('Content-Type: text\n\nx'));
  assert.deepEqual(bad.root.contentType, { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
});

test('nesting deeper than maxDepth stops at a leaf instead of recursing', async () => {
  let s = '';
  for (let i = 0; i < 10; i++) s += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`;
  s += '\nleaf\n';
  const msg = await parseMessage(Buffer.from(s), { maxDepth: 3 });
  assert.deepEqual(allNodes(msg.root).map((n) => n.partPath.length), [0, 1, 2, 3, 4]);
});

test('part numbers resolve as IMAP sections: multipart children, embedded messages, "1" of a single part', async () => {
  const paths = (msg: ParsedMessage, list: number[][]): (string | null)[] =>
    list.map((p) => {
      const n = resolveSection(msg.root, p);
      return n ? `${n.partPath.join('.') || 'root'}${n.message ? ' (rfc822)' : ''}` : null;
    });
  const simple = (await load('simple.eml')).msg;
  assert.deepEqual(paths(simple, [[], [1], [1, 1], [2]]), ['root', 'root', null, null]);
  const fwd = (await load('rfc822-in-multipart.eml')).msg;
  assert.deepEqual(paths(fwd, [[1], [1, 1], [1, 1, 1], [2], [2, 1], [2, 2], [2, 2, 1], [2, 3], [3], [0], [1.5]]), ['1', '1', null, '2 (rfc822)', '2.1', '2.2', '2.2', null, null, null, null]);
  const root822 = (await load('rfc822-root.eml')).msg;
  assert.equal(resolveSection(root822.root, [1]), root822.root);
  assert.equal(resolveSection(root822.root, [1, 1]), root822.root.message?.root);
  assert.equal(resolveSection(root822.root, [1, 1, 1]), null);
});

test('parsed messages survive a JSON round trip unchanged (the index caches them)', async () => {
  for (const name of await fixtureNames()) {
    const msg = await parseMessage(await fixture(name));
    assert.deepEqual(JSON.parse(JSON.stringify(msg)), msg, name);
  }
});

test('a header bigger than maxHeaderBytes is cut for parsing but offsets stay exact', async () => {
  const big = 'X-Filler: ' + 'a'.repeat(5000) + '\n';
  const raw = Buffer.from('Subject: first\n' + big.repeat(10) + 'Subject: late\nContent-Type: text/html\n\nbody\n');
  const msg = await parseMessage(raw, { maxHeaderBytes: 1024 });
  const crlf = toCrlf(raw).toString('latin1');
  assert.equal(msg.headerSize, crlf.indexOf('\r\n\r\n') + 4);
  assert.equal(body(crlf, msg.root), 'body\r\n');
  assert.equal(msg.envelope.subject, 'first');
  assert.equal(msg.root.contentType.subtype, 'plain', 'fields past the cap are not seen');
});

test('maxParts bounds the tree: later boundaries become body lines of the last part', async () => {
  let s = 'Content-Type: multipart/mixed; boundary=p\n\n';
  for (let i = 0; i < 500; i++) s += `--p\n\npart ${i}\n`;
  s += '--p--\n';
  const raw = Buffer.from(s);
  const msg = await parseMessage(raw, { maxParts: 100 });
  assert.equal(allNodes(msg.root).length, 100);
  const last = msg.root.children[msg.root.children.length - 1];
  const crlf = toCrlf(raw).toString('latin1');
  assert.ok(body(crlf, last).startsWith('part 98\r\n--p\r\n\r\npart 99\r\n'));
  assert.ok(body(crlf, last).endsWith('part 499\r\n--p--\r\n'));
  assert.equal(last.bodyEnd, msg.size);
});

test('an 8-bit boundary matches whether the header bytes are UTF-8 or Latin-1', async () => {
  for (const encoding of ['utf8', 'latin1'] as const) {
    const raw = Buffer.from('Content-Type: multipart/mixed; boundary="b\u00e9"\n\n--b\u00e9\n\none\n--b\u00e9--\n', encoding);
    const msg = await parseMessage(raw);
    assert.equal(msg.root.children.length, 1, encoding);
    assert.equal(body(toCrlf(raw).toString('latin1'), msg.root.children[0]), 'one', encoding);
  }
});
