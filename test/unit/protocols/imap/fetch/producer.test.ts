// The FETCH response producer on a real Maildir store: item order, FLAGS first when \Seen was
// just set, section names as echoed, and bodies streamed in bounded chunks.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openMailStore } from '../../../../../storage/store.js';
import { silentLogger } from '../../../../../src/log.js';
import type { MailStore, Mailbox } from '../../../../../storage/types.js';
import { FetchMessage } from '../../../../../protocols/imap/fetch/section.js';
import { sectionName, setsSeen, writeFetchResponse } from '../../../../../protocols/imap/fetch/producer.js';
import { CollectingWriter, fetchItems } from './helpers.js';

let home: string;
let store: MailStore;
let box: Mailbox;
const BIG_LINE = 'The quick brown fox jumps over the lazy dog 0123456789\r\n';
const SMALL = Buffer.from('From: a@example.org\r\nSubject: small\r\n\r\nhello\r\n');
const BIG = Buffer.from(`From: big@example.org\r\nSubject: big\r\n\r\n${BIG_LINE.repeat(60_000)}`);

before(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  store = await openMailStore({ username: 'tester', home, extra: {} }, 'maildir:~/Maildir', { log: silentLogger() });
  box = await store.open('INBOX');
  for (const m of [SMALL, BIG]) {
    const tx = box.begin();
    tx.append(m, { keywords: ['$Label'], internalDate: Date.UTC(2024, 0, 2, 3, 4, 5) });
    await tx.commit();
  }
  await box.sync();
});

after(async () => {
  await box.close();
  await store.close();
  await rm(home, { recursive: true, force: true });
});

async function fetch(seq: number, text: string, flagsChanged = false, zone = 0): Promise<string> {
  const writer = new CollectingWriter();
  await writeFetchResponse(writer, new FetchMessage(box, box.messages[seq - 1]), seq, fetchItems(text), { stringOptions: {}, flagsChanged, zoneOffsetMinutes: zone });
  return writer.take().toString('latin1');
}

test('items come in the order asked; INTERNALDATE in the given zone; FLAGS with keywords and \\Recent', async () => {
  const recent = box.messages[0].recent ? ' \\Recent' : '';
  assert.equal(
    await fetch(1, 'RFC822.SIZE UID INTERNALDATE FLAGS', false, 120),
    `* 1 FETCH (RFC822.SIZE ${SMALL.length} UID ${box.messages[0].uid} INTERNALDATE " 2-Jan-2024 05:04:05 +0200" FLAGS (${recent.trim()}${recent ? ' ' : ''}$Label))\r\n`,
  );
});

test('FLAGS goes first when the fetch just set \\Seen and FLAGS was not asked', async () => {
  assert.match(await fetch(1, 'BODY[TEXT]', true), /^\* 1 FETCH \(FLAGS \([^)]*\) BODY\[TEXT\] \{7\}\r\nhello\r\n\)\r\n$/);
  assert.match(await fetch(1, 'UID FLAGS BODY[TEXT]', true), /^\* 1 FETCH \(UID \d+ FLAGS \(/);
});

test('section names echo part, text and field list; which items set \\Seen', () => {
  const names = fetchItems('BODY[1.2.HEADER.FIELDS (From "X-Weird Name")] BODY.PEEK[3.MIME] BODY[] BINARY[1] BINARY.PEEK[2] RFC822 RFC822.TEXT RFC822.HEADER');
  const first = names[0];
  assert.ok(first.type === 'BODY[]');
  assert.equal(sectionName(first.section), '1.2.HEADER.FIELDS (FROM "X-WEIRD NAME")');
  assert.deepEqual(names.map(setsSeen), [true, false, true, true, false, true, true, false]);
});

test('a large body is streamed in bounded chunks and arrives whole; partials cut exactly', async () => {
  const writer = new CollectingWriter();
  await writeFetchResponse(writer, new FetchMessage(box, box.messages[1]), 2, fetchItems('BODY.PEEK[]'), { stringOptions: {}, flagsChanged: false, zoneOffsetMinutes: 0 });
  const out = writer.take();
  const head = `* 2 FETCH (BODY[] {${BIG.length}}\r\n`;
  assert.equal(out.subarray(0, head.length).toString(), head);
  assert.ok(out.subarray(head.length, head.length + BIG.length).equals(BIG));
  assert.ok(BIG.length > 3_000_000);
  assert.ok(writer.largestChunk <= 1024 * 1024, `largest chunk ${writer.largestChunk}`);
  const part = await fetch(2, 'BODY.PEEK[TEXT]<100.10> BODY.PEEK[]<3400000.100>');
  const text = BIG.subarray(BIG.indexOf('\r\n\r\n') + 4);
  assert.equal(part, `* 2 FETCH (BODY[TEXT]<100> {10}\r\n${text.subarray(100, 110).toString('latin1')} BODY[]<3400000> {0}\r\n)\r\n`);
});
