// The search evaluator on a real Maildir store in a temp dir: every key, nesting, and that a
// message is read only when a key needs its content.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openMailStore } from '../../../../storage/store.js';
import { silentLogger } from '../../../../src/log.js';
import { searchMailbox } from '../../../../storage/search/index.js';
import type { SearchQuery, SearchOptions, SearchStats } from '../../../../storage/search/index.js';
import type { MailStore, Mailbox } from '../../../../storage/types.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);

let home: string;
let store: MailStore;
let box: Mailbox;
let uids: number[];

const MESSAGES: { bytes: string; flags?: Record<string, boolean>; keywords?: string[]; internalDate: number }[] = [
  {
    // 1: plain ASCII, seen
    bytes: 'From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: Quarterly report\nDate: Mon, 10 Jun 2024 23:30:00 -0700\n\nThe numbers are in.\n',
    flags: { seen: true },
    internalDate: Date.UTC(2024, 5, 10, 8, 0, 0),
  },
  {
    // 2: encoded subject, base64 UTF-8 body, flagged, keyword
    bytes:
      'From: =?utf-8?q?J=C3=BCrgen?= <jurgen@example.de>\nTo: team@example.org\nCc: carol@example.org\nSubject: =?utf-8?b?R3LDvMOfZSBhdXMgQmVybGlu?=\nDate: 11 Jun 2024 09:00:00 +0200\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n' +
      Buffer.from('Schöne Grüße vom Müggelsee\n').toString('base64') +
      '\n',
    flags: { flagged: true },
    keywords: ['$Important'],
    internalDate: Date.UTC(2024, 5, 11, 0, 0, 0),
  },
  {
    // 3: multipart with QP text and HTML, answered + deleted, no Date header
    bytes:
      'From: dave@example.net\nBcc: secret@example.net\nSubject: invitation\nX-Tracking: abc-123\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=zz\n\n--zz\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 at n=\noon\n--zz\nContent-Type: text/html\n\n<p>Caf&eacute; <b>at</b> noon</p>\n--zz--\n',
    flags: { answered: true, deleted: true },
    internalDate: NOW - 3600_000,
  },
  {
    // 4: big draft
    bytes: `From: eve@example.com\nSubject: big one\nDate: Sat, 15 Jun 2024 00:30:00 +0000\n\n${'x'.repeat(5000)}\nneedle at the end\n`,
    flags: { draft: true },
    internalDate: NOW - 2 * DAY,
  },
];

function options(extra: Partial<SearchOptions> = {}): SearchOptions {
  return { maxTextBytes: 1024 * 1024, zoneOffsetMinutes: 0, now: () => NOW, ...extra };
}

async function search(q: SearchQuery, extra: Partial<SearchOptions> = {}): Promise<number[]> {
  const found = await searchMailbox(box, q, options(extra));
  return found.map((u) => uids.indexOf(u) + 1);
}

const and = (...operands: SearchQuery[]): SearchQuery => ({ kind: 'and', operands });

before(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  store = await openMailStore({ username: 'tester', home, extra: {} }, 'maildir:~/Maildir', { log: silentLogger(), now: () => NOW });
  box = await store.open('INBOX');
  uids = [];
  for (const m of MESSAGES) {
    const tx = box.begin();
    tx.append(Buffer.from(m.bytes), { flags: m.flags, keywords: m.keywords, internalDate: m.internalDate });
    uids.push(...(await tx.commit()).appended);
  }
  await box.sync();
  assert.deepEqual(box.messages.map((m) => m.uid), uids, 'one commit per message keeps the order');
  assert.equal(box.messages.length, 4);
});

after(async () => {
  await box.close();
  await store.close();
  await rm(home, { recursive: true, force: true });
});

test('system flags set and clear, recent, keywords case-insensitively', async () => {
  assert.deepEqual(await search({ kind: 'flag', flag: 'seen', set: true }), [1]);
  assert.deepEqual(await search({ kind: 'flag', flag: 'seen', set: false }), [2, 3, 4]);
  assert.deepEqual(await search({ kind: 'flag', flag: 'flagged', set: true }), [2]);
  assert.deepEqual(await search({ kind: 'flag', flag: 'answered', set: true }), [3]);
  assert.deepEqual(await search({ kind: 'flag', flag: 'deleted', set: false }), [1, 2, 4]);
  assert.deepEqual(await search({ kind: 'flag', flag: 'draft', set: true }), [4]);
  assert.deepEqual(await search({ kind: 'keyword', keyword: '$important', set: true }), [2]);
  assert.deepEqual(await search({ kind: 'keyword', keyword: '$Important', set: false }), [1, 3, 4]);
  const recent = box.messages.filter((m) => m.recent).length;
  assert.deepEqual((await search({ kind: 'recent', set: true })).length, recent);
  assert.deepEqual((await search({ kind: 'recent', set: false })).length, 4 - recent);
});

test('internal date keys compare calendar days in the given zone', async () => {
  const d = (year: number, month: number, day: number) => ({ year, month, day });
  assert.deepEqual(await search({ kind: 'internal-date', comparison: 'on', date: d(2024, 6, 10) }), [1]);
  assert.deepEqual(await search({ kind: 'internal-date', comparison: 'before', date: d(2024, 6, 11) }), [1]);
  assert.deepEqual(await search({ kind: 'internal-date', comparison: 'since', date: d(2024, 6, 11) }), [2, 3, 4]);
  // message 2 is at 00:00 UTC on the 11th: in a zone west of UTC it is still the 10th
  assert.deepEqual(await search({ kind: 'internal-date', comparison: 'on', date: d(2024, 6, 10) }, { zoneOffsetMinutes: -60 }), [1, 2]);
});

test('sent date keys use the Date: header in the zone it was written in; no Date header counts as before any day', async () => {
  const d = (year: number, month: number, day: number) => ({ year, month, day });
  // message 1 says 10 Jun 23:30 -0700 (11 Jun in UTC): it was sent on the 10th
  assert.deepEqual(await search({ kind: 'sent-date', comparison: 'on', date: d(2024, 6, 10) }), [1]);
  assert.deepEqual(await search({ kind: 'sent-date', comparison: 'on', date: d(2024, 6, 11) }), [2]);
  assert.deepEqual(await search({ kind: 'sent-date', comparison: 'before', date: d(2024, 6, 11) }), [1, 3]);
  assert.deepEqual(await search({ kind: 'sent-date', comparison: 'since', date: d(2024, 6, 11) }), [2, 4]);
});

test('OLDER and YOUNGER measure the internal date against the injected clock', async () => {
  assert.deepEqual(await search({ kind: 'age', comparison: 'younger', seconds: 7200 }), [3]);
  assert.deepEqual(await search({ kind: 'age', comparison: 'older', seconds: 7200 }), [1, 2, 4]);
  assert.deepEqual(await search({ kind: 'age', comparison: 'younger', seconds: 2 * 86400 }), [3, 4]);
});

test('LARGER and SMALLER are strict and use the CRLF size', async () => {
  const size4 = box.messages[3].size;
  assert.equal(size4, Buffer.from(MESSAGES[3].bytes.replace(/\n/g, '\r\n')).length);
  assert.deepEqual(await search({ kind: 'size', comparison: 'larger', size: size4 - 1 }), [4]);
  assert.deepEqual(await search({ kind: 'size', comparison: 'larger', size: size4 }), []);
  assert.deepEqual(await search({ kind: 'size', comparison: 'smaller', size: size4 }), [1, 2, 3]);
});

test('header keys match decoded values case-insensitively; an empty value means the field exists', async () => {
  assert.deepEqual(await search({ kind: 'header', field: 'subject', value: 'REPORT' }), [1]);
  assert.deepEqual(await search({ kind: 'header', field: 'Subject', value: 'grüße' }), [2]);
  assert.deepEqual(await search({ kind: 'header', field: 'from', value: 'jürgen' }), [2]);
  assert.deepEqual(await search({ kind: 'header', field: 'to', value: 'example.org' }), [1, 2]);
  assert.deepEqual(await search({ kind: 'header', field: 'cc', value: 'carol' }), [2]);
  assert.deepEqual(await search({ kind: 'header', field: 'bcc', value: 'secret' }), [3]);
  assert.deepEqual(await search({ kind: 'header', field: 'x-tracking', value: '' }), [3]);
  assert.deepEqual(await search({ kind: 'header', field: 'date', value: '' }), [1, 2, 4]);
  assert.deepEqual(await search({ kind: 'header', field: 'x-missing', value: '' }), []);
});

test('BODY searches decoded text of every text part; TEXT also searches the header', async () => {
  assert.deepEqual(await search({ kind: 'body', value: 'GRÜSSE' }), []);
  assert.deepEqual(await search({ kind: 'body', value: 'grüße vom' }), [2]);
  assert.deepEqual(await search({ kind: 'body', value: 'café at noon' }), [3]);
  assert.deepEqual(await search({ kind: 'body', value: 'needle' }), [4]);
  assert.deepEqual(await search({ kind: 'body', value: 'quarterly' }), []);
  assert.deepEqual(await search({ kind: 'text', value: 'quarterly' }), [1]);
  assert.deepEqual(await search({ kind: 'text', value: 'x-tracking' }), [3]);
  assert.deepEqual(await search({ kind: 'body', value: '<b>' }), [], 'HTML tags are not text');
});

test('the text cap limits how much of a body is searched', async () => {
  assert.deepEqual(await search({ kind: 'body', value: 'needle' }, { maxTextBytes: 100 }), []);
});

test('UID sets, NOT, OR and nested AND', async () => {
  assert.deepEqual(await search({ kind: 'uid', uids: new Set([uids[1], uids[3], 99999]) }), [2, 4]);
  assert.deepEqual(await search({ kind: 'not', operand: { kind: 'uid', uids: new Set([uids[0]]) } }), [2, 3, 4]);
  assert.deepEqual(
    await search({ kind: 'or', operands: [{ kind: 'flag', flag: 'seen', set: true }, { kind: 'body', value: 'needle' }] }),
    [1, 4],
  );
  assert.deepEqual(
    await search(and({ kind: 'not', operand: { kind: 'flag', flag: 'deleted', set: true } }, { kind: 'or', operands: [{ kind: 'header', field: 'subject', value: 'big' }, { kind: 'keyword', keyword: '$important', set: true }] })),
    [2, 4],
  );
  assert.deepEqual(await search({ kind: 'all' }), [1, 2, 3, 4]);
  assert.deepEqual(await search(and()), [1, 2, 3, 4]);
  assert.deepEqual(await search({ kind: 'or', operands: [] }), []);
});

test('a message is read only when a key needs its content, cheapest keys first', async () => {
  const count = async (q: SearchQuery): Promise<SearchStats> => {
    const stats: SearchStats = { structureReads: 0, headerReads: 0, textReads: 0 };
    await searchMailbox(box, q, options(), stats);
    return stats;
  };
  assert.deepEqual(await count({ kind: 'flag', flag: 'seen', set: true }), { structureReads: 0, headerReads: 0, textReads: 0 });
  // the flag excludes three messages before the body key is reached
  assert.deepEqual(await count(and({ kind: 'body', value: 'x' }, { kind: 'flag', flag: 'seen', set: true })), { structureReads: 0, headerReads: 0, textReads: 1 });
  assert.deepEqual(await count({ kind: 'sent-date', comparison: 'on', date: { year: 2024, month: 6, day: 10 } }), { structureReads: 4, headerReads: 0, textReads: 0 });
  // From/To/Cc/Bcc/Subject are answered by the cached envelope, other fields read the header
  assert.deepEqual(await count({ kind: 'header', field: 'from', value: 'alice' }), { structureReads: 4, headerReads: 0, textReads: 0 });
  assert.deepEqual(await count(and({ kind: 'header', field: 'x-tracking', value: 'abc' }, { kind: 'uid', uids: new Set([uids[2]]) })), { structureReads: 0, headerReads: 1, textReads: 0 });
  // the header key (cheaper) decides first; the text key then reads the message once
  assert.deepEqual(await count(and({ kind: 'text', value: 'noon' }, { kind: 'header', field: 'x-tracking', value: 'abc' }, { kind: 'uid', uids: new Set([uids[2]]) })), { structureReads: 0, headerReads: 1, textReads: 1 });
  assert.deepEqual(await count(and({ kind: 'text', value: 'noon' }, { kind: 'header', field: 'x-tracking', value: 'abc' }, { kind: 'uid', uids: new Set([uids[0]]) })), { structureReads: 0, headerReads: 1, textReads: 0 });
});

test('the zone of internal-date keys may depend on the instant (DST)', async () => {
  const d = { year: 2024, month: 6, day: 10 };
  // message 2 is at 00:00 UTC on the 11th: a zone function putting it 60 minutes west makes it the 10th
  const zone = (ms: number): number => (ms === Date.UTC(2024, 5, 11, 0, 0, 0) ? -60 : 0);
  assert.deepEqual(await search({ kind: 'internal-date', comparison: 'on', date: d }, { zoneOffsetMinutes: zone }), [1, 2]);
});
