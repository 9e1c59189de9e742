// BODY[section]<partial>, RFC822.*, BINARY and BINARY.SIZE from a real Maildir store, compared
// byte for byte with Dovecot's responses for every part of every MIME fixture.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openMailStore } from '../../../../../storage/store.js';
import { silentLogger } from '../../../../../src/log.js';
import type { MailStore, Mailbox } from '../../../../../storage/types.js';
import type { MimeNode } from '../../../../../storage/message/types.js';
import { FetchMessage, UnknownCteError } from '../../../../../protocols/imap/fetch/section.js';
import { writeFetchResponse } from '../../../../../protocols/imap/fetch/producer.js';
import { bytesToRawString } from '../../../../../storage/message/header.js';
import { fetchResponseItems, runDovecot } from './dovecot.js';
import { generatedMessages } from '../../../storage/message/generated-messages.js';
import { randomMessages } from '../../../storage/message/random-messages.js';
import { CollectingWriter, fetchItems } from './helpers.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/mime');

let home: string;
let store: MailStore;
let box: Mailbox;
let names: string[];
let messages: Buffer[];
let uids: number[];
let fixtureCount: number;

before(async () => {
  names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.eml')).sort();
  messages = await Promise.all(names.map((n) => readFile(path.join(FIXTURES, n))));
  fixtureCount = names.length;
  for (const g of [...generatedMessages(), ...randomMessages(11, 60)].filter((m) => m.bytes.length > 0)) {
    names.push(g.name);
    messages.push(g.bytes);
  }
  home = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  store = await openMailStore({ username: 'tester', home, extra: {} }, 'maildir:~/Maildir', { log: silentLogger() });
  box = await store.open('INBOX');
  uids = [];
  for (const m of messages) {
    const tx = box.begin();
    tx.append(m);
    uids.push(...(await tx.commit()).appended);
  }
  await box.sync();
  assert.equal(box.messages.length, messages.length);
});

after(async () => {
  await box.close();
  await store.close();
  await rm(home, { recursive: true, force: true });
});

/** Every section of a message: HEADER/TEXT of each message level, MIME and body of each part. */
function sectionItems(root: MimeNode, binary: boolean): string[] {
  const out: string[] = ['BODY.PEEK[]', 'BODY.PEEK[HEADER]', 'BODY.PEEK[TEXT]', 'RFC822.HEADER', 'BODY.PEEK[HEADER.FIELDS (FROM SUBJECT X-NONE)]', 'BODY.PEEK[HEADER.FIELDS.NOT (FROM CONTENT-TYPE)]', 'BODY.PEEK[]<3.40>', 'BODY.PEEK[TEXT]<0.7>', 'BODY.PEEK[HEADER]<10000.5>', 'BODY.PEEK[9]', 'BODY.PEEK[1.9.9]', 'BINARY.PEEK[]', 'BINARY.SIZE[]', 'BINARY.PEEK[]<7.30>'];
  const prefix = (p: number[]): string => (p.length > 0 ? `${p.join('.')}.` : '');
  const message = (m: MimeNode): void => {
    if (m.partPath.length > 0) out.push(`BODY.PEEK[${prefix(m.partPath)}HEADER]`, `BODY.PEEK[${prefix(m.partPath)}TEXT]`, `BODY.PEEK[${prefix(m.partPath)}HEADER.FIELDS (SUBJECT)]`);
    if (m.contentType.type === 'multipart') m.children.forEach(part);
    else out.push(`BODY.PEEK[${prefix(m.partPath)}1]`, `BINARY.PEEK[${prefix(m.partPath)}1]`, `BINARY.SIZE[${prefix(m.partPath)}1]`);
  };
  const part = (n: MimeNode): void => {
    const sec = n.partPath.join('.');
    out.push(`BODY.PEEK[${sec}.MIME]`, `BODY.PEEK[${sec}]`, `BODY.PEEK[${sec}]<1.5>`, `BINARY.PEEK[${sec}]`, `BINARY.SIZE[${sec}]`);
    if (n.message) message(n.message.root);
    else if (n.children.length > 0) n.children.forEach(part);
    else out.push(`BINARY.PEEK[${sec}]`, `BINARY.SIZE[${sec}]`, `BINARY.PEEK[${sec}]<2.3>`);
  };
  message(root);
  return [...new Set(out)].filter((item) => binary || !item.startsWith('BINARY'));
}

test('every section, partial, header-field selection and BINARY of every fixture and 60 random messages equals Dovecot byte for byte', async () => {
  const mismatches: string[] = [];
  let compared = 0;
  const refused: string[] = [];
  let unknownCte = 0;
  const perMessage: string[][] = [];
  // BINARY only on the fixtures: Dovecot fails the whole session on some broken random base64
  // ("Base64 data ends prematurely"), where we decode leniently.
  for (let i = 0; i < messages.length; i++) perMessage.push(sectionItems((await box.structure(uids[i])).root, i < fixtureCount));
  const all = fetchResponseItems(await runDovecot(messages, perMessage.flatMap((list, i) => list.map((item) => `FETCH ${i + 1} (${item})`))));
  for (let i = 0; i < messages.length; i++) {
    const info = box.byUid(uids[i])!;
    const msg = new FetchMessage(box, info);
    const items = perMessage[i];
    const reference = items.map((item) => all.get(i + 1)?.get(item.replace('.PEEK', '').replace(/<(\d+)\.\d+>$/, '<$1>').toUpperCase()) ?? null);
    const writer = new CollectingWriter();
    for (let k = 0; k < items.length; k++) {
      try {
        await writeFetchResponse(writer, msg, 1, fetchItems(items[k]), { stringOptions: {}, flagsChanged: false, zoneOffsetMinutes: 0 });
      } catch (err) {
        assert.ok(err instanceof UnknownCteError, String(err));
        assert.equal(writer.take().length, 0, 'nothing written before the error');
        assert.equal(reference[k], null, `Dovecot refuses ${items[k]} of ${names[i]} too`);
        unknownCte++;
        continue;
      }
      const response = writer.take();
      const ours = response.subarray('* 1 FETCH ('.length, response.length - 3);
      const ref = reference[k];
      if (ref === null) {
        // Dovecot answers NO [PARSE] for BINARY of a part with invalid quoted-printable; we decode leniently.
        refused.push(`${names[i]} ${items[k]}`);
        continue;
      }
      compared++;
      if (names[i] === 'random 11/54' && items[k] === 'BODY.PEEK[1.1.HEADER.FIELDS (SUBJECT)]') {
        // Known difference: the embedded "header" is the lone non-field line `a=3D b` cut by the
        // closing boundary; Dovecot sends nothing, we send the blank line (as Dovecot does for
        // such a cut header before a non-closing boundary, random 11/18).
        assert.equal(bytesToRawString(ours), 'BODY[1.1.HEADER.FIELDS (SUBJECT)] {2}\r\n\r\n');
        assert.equal(bytesToRawString(ref), 'BODY[1.1.HEADER.FIELDS (SUBJECT)] {0}\r\n');
        continue;
      }
      if (!ours.equals(ref)) mismatches.push(`${names[i]} ${items[k]}\n  ours:    ${JSON.stringify(bytesToRawString(ours))}\n  dovecot: ${JSON.stringify(bytesToRawString(ref))}`);
    }
  }
  assert.ok(compared > 300, `compared ${compared} items`);
  assert.deepEqual(mismatches, [], mismatches.join('\n'));
  assert.ok(unknownCte > 0, 'an x-uuencode part was refused with UNKNOWN-CTE');
  assert.ok(refused.every((r) => / BINARY/.test(r)), `only BINARY refused by Dovecot: ${refused.join(', ')}`);
});
