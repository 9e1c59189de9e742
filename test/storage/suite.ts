// The storage suite every backend must pass (one suite, many backends). A backend provides a
// factory for a fresh store in a temp dir plus a way to deliver mail as an outside program would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { isMailError } from '../../storage/errors.js';
import type { MailStore, Mailbox, SpecialUse } from '../../storage/types.js';
import type { QuotaLimits } from '../../storage/maildir/quota.js';

/** Options a test may ask the factory for. */
export interface FixtureOptions {
  quota?: QuotaLimits;
  autocreate?: SpecialUse[];
}

/** One backend under test. */
export interface StorageFixture {
  /** Open (another) store instance on the same mail, as a new login would. */
  open(options?: FixtureOptions): Promise<MailStore>;
  /** Deliver a message into a mailbox as an external delivery agent would. */
  deliverExternal(mailbox: string, message: Buffer): Promise<void>;
  cleanup(): Promise<void>;
}

export async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
}

const LF_MSG = Buffer.from('From: a@example.org\nTo: b@example.org\nSubject: hello\n\nline one\nline two\n');
const CRLF_MSG = Buffer.from('From: c@example.org\r\nSubject: crlf\r\n\r\nbody\r\n');
const MULTI = Buffer.from(
  'From: m@example.org\nSubject: multi\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\npreamble\n--b1\nContent-Type: text/plain\n\npart one\n--b1\nContent-Type: text/html\n\n<p>two</p>\n--b1--\n',
);
const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

async function appendOne(box: Mailbox, msg: Buffer, req = {}): Promise<number> {
  const tx = box.begin();
  tx.append(msg, req);
  const r = await tx.commit();
  await box.sync();
  return r.appended[0];
}

/** Register the shared suite for one backend. */
export function runStorageSuite(backend: string, makeFixture: () => Promise<StorageFixture>): void {
  const withFixture = (name: string, fn: (f: StorageFixture) => Promise<void>) =>
    test(`${backend}: ${name}`, async () => {
      const f = await makeFixture();
      try {
        await fn(f);
      } finally {
        await f.cleanup();
      }
    });

  withFixture('a fresh store lists INBOX and the auto-created special-use folders', async (f) => {
    const store = await f.open({ autocreate: ['Sent', 'Trash'] });
    const list = await store.list();
    assert.deepEqual(
      list.map((e) => [e.name, e.specialUse, e.noselect]),
      [
        ['INBOX', null, false],
        ['Sent', 'Sent', false],
        ['Trash', 'Trash', false],
      ],
    );
    assert.equal(store.delimiter, list[0].delimiter);
  });

  withFixture('create, hierarchy attributes, rename with children, delete with children leaves \\Noselect', async (f) => {
    const store = await f.open();
    const d = store.delimiter;
    await store.create(`Lists${d}linux`);
    let list = await store.list();
    const lists = list.find((e) => e.name === 'Lists');
    assert.ok(lists && lists.noselect && lists.hasChildren, 'implicit parent is \\Noselect with children');
    await assert.rejects(store.create(`Lists${d}linux`), (e) => isMailError(e, 'Exists'));
    await assert.rejects(store.create('inbox'), (e) => isMailError(e, 'Exists'));
    await store.create('Lists');
    await store.rename('Lists', 'Archive');
    list = await store.list();
    assert.deepEqual(list.map((e) => e.name).sort(), ['Archive', `Archive${d}linux`, 'INBOX']);
    await assert.rejects(store.rename('Archive', `Archive${d}linux${d}x`), (e) => isMailError(e, 'Cannot'));
    await assert.rejects(store.rename('Nope', 'Other'), (e) => isMailError(e, 'NotFound'));
    await store.delete('Archive');
    list = await store.list();
    const arch = list.find((e) => e.name === 'Archive');
    assert.ok(arch && arch.noselect && arch.hasChildren);
    await assert.rejects(store.delete('Archive'), (e) => isMailError(e, 'Cannot'));
    await assert.rejects(store.open('Archive'), (e) => isMailError(e, 'NotFound'));
    await assert.rejects(store.delete('INBOX'), (e) => isMailError(e, 'Cannot'));
    await store.delete(`Archive${d}linux`);
    assert.deepEqual((await store.list()).map((e) => e.name), ['INBOX']);
  });

  withFixture('renaming INBOX moves its messages into the new mailbox and leaves INBOX empty', async (f) => {
    const store = await f.open();
    const inbox = await store.open('INBOX');
    await appendOne(inbox, LF_MSG);
    await inbox.close();
    await store.rename('INBOX', 'Old');
    assert.equal((await store.status('INBOX')).messages, 0);
    assert.equal((await store.status('Old')).messages, 1);
  });

  withFixture('append then fetch is byte-exact on the CRLF form, for LF and CRLF input, with parts and ranges', async (f) => {
    const store = await f.open();
    const box = await store.open('INBOX');
    const u1 = await appendOne(box, LF_MSG, { internalDate: Date.UTC(2020, 0, 2, 3, 4, 5) });
    const u2 = await appendOne(box, CRLF_MSG);
    const u3 = await appendOne(box, MULTI);
    assert.ok(u1 < u2 && u2 < u3);
    const m1 = box.byUid(u1)!;
    assert.equal(m1.size, crlf(LF_MSG).length);
    assert.equal(m1.internalDate, Date.UTC(2020, 0, 2, 3, 4, 5));
    assert.deepEqual(await readAll(await box.openContent(u1, { what: 'full' })), crlf(LF_MSG));
    assert.deepEqual(await readAll(await box.openContent(u2, { what: 'full' })), CRLF_MSG);
    assert.equal((await readAll(await box.openContent(u1, { what: 'header' }))).toString(), 'From: a@example.org\r\nTo: b@example.org\r\nSubject: hello\r\n\r\n');
    assert.equal((await readAll(await box.openContent(u1, { what: 'body' }))).toString(), 'line one\r\nline two\r\n');
    assert.equal((await readAll(await box.openContent(u1, { what: 'body', range: { start: 5, length: 3 } }))).toString(), 'one');
    assert.equal((await readAll(await box.openContent(u1, { part: [1], what: 'full' }))).toString(), 'line one\r\nline two\r\n');
    assert.equal((await readAll(await box.openContent(u3, { part: [2], what: 'full' }))).toString(), '<p>two</p>');
    assert.equal((await readAll(await box.openContent(u3, { part: [1], what: 'mime' }))).toString(), 'Content-Type: text/plain\r\n\r\n');
    assert.equal((await readAll(await box.openContent(u3, { part: [9], what: 'full' }))).length, 0);
    const s = await box.structure(u3);
    assert.equal(s.root.contentType.type, 'multipart');
    assert.equal(s.root.children.length, 2);
    assert.equal(s.size, crlf(MULTI).length);
    assert.equal(s.envelope.subject, 'multi');
    await assert.rejects(box.openContent(999, { what: 'full' }), (e) => isMailError(e, 'NotFound'));
    // A streamed source, split in odd places (a CR LF pair across chunks).
    const tx = box.begin();
    tx.append(Readable.from([Buffer.from('Subject: streamed\r'), Buffer.from('\n\r\nab'), Buffer.from('c\n')]));
    const { appended } = await tx.commit();
    await box.sync();
    assert.equal((await readAll(await box.openContent(appended[0], { what: 'full' }))).toString(), 'Subject: streamed\r\n\r\nabc\r\n');
    assert.equal(box.byUid(appended[0])!.size, Buffer.byteLength('Subject: streamed\r\n\r\nabc\r\n'));
  });

  withFixture('several appends in one transaction get ascending UIDs in request order', async (f) => {
    const store = await f.open();
    const box = await store.open('INBOX');
    const tx = box.begin();
    for (let i = 0; i < 12; i++) tx.append(Buffer.from(`Subject: n${i}\n\n${i}\n`));
    const { appended } = await tx.commit();
    await box.sync();
    assert.deepEqual(appended, [...appended].sort((a, b) => a - b));
    for (let i = 0; i < 12; i++) assert.equal((await box.structure(appended[i])).envelope.subject, `n${i}`);
    await box.close();
  });

  withFixture('flags and keywords are set, removed, replaced and survive a reopen', async (f) => {
    let store = await f.open();
    let box = await store.open('INBOX');
    const uid = await appendOne(box, LF_MSG, { flags: { seen: true }, keywords: ['$Work'] });
    assert.deepEqual(box.byUid(uid)!.flags, { seen: true, answered: false, flagged: false, deleted: false, draft: false });
    assert.deepEqual(box.byUid(uid)!.keywords, ['$Work']);
    let tx = box.begin();
    tx.setFlags([uid], 'add', { flags: { flagged: true, answered: true }, keywords: ['Later', 'todo'] });
    await tx.commit();
    let sync = await box.sync();
    assert.deepEqual(sync.flagsChanged, [uid]);
    assert.deepEqual(box.byUid(uid)!.keywords, ['$Work', 'Later', 'todo']);
    tx = box.begin();
    tx.setFlags([uid], 'remove', { flags: { seen: true }, keywords: ['Later'] });
    await tx.commit();
    await box.sync();
    assert.deepEqual(box.byUid(uid)!.flags, { seen: false, answered: true, flagged: true, deleted: false, draft: false });
    assert.deepEqual(box.byUid(uid)!.keywords, ['$Work', 'todo']);
    const modseq = box.byUid(uid)!.modseq;
    tx = box.begin();
    tx.setFlags([uid], 'replace', { flags: { draft: true }, keywords: ['only'] });
    await tx.commit();
    sync = await box.sync();
    assert.ok(box.byUid(uid)!.modseq > modseq, 'a flag change bumps MODSEQ');
    assert.throws(() => box.begin().setFlags([uid], 'add', { keywords: ['bad word'] }), (e) => isMailError(e, 'Invalid'));
    await box.close();
    store = await f.open();
    box = await store.open('INBOX');
    assert.deepEqual(box.byUid(uid)!.flags, { seen: false, answered: false, flagged: false, deleted: false, draft: true });
    assert.deepEqual(box.byUid(uid)!.keywords, ['only']);
    await box.close();
  });

  withFixture('expunge removes the deleted messages (or the given UIDs) and sync reports them', async (f) => {
    const store = await f.open();
    const box = await store.open('INBOX');
    const uids = [await appendOne(box, LF_MSG), await appendOne(box, CRLF_MSG), await appendOne(box, MULTI)];
    let tx = box.begin();
    tx.setFlags([uids[0], uids[2]], 'add', { flags: { deleted: true } });
    tx.expunge();
    await tx.commit();
    let sync = await box.sync();
    assert.deepEqual(sync.expunged, [uids[0], uids[2]]);
    assert.deepEqual(box.messages.map((m) => m.uid), [uids[1]]);
    assert.equal(box.seqOf(uids[1]), 1);
    tx = box.begin();
    tx.expunge([uids[1]]);
    await tx.commit();
    sync = await box.sync();
    assert.deepEqual(sync.expunged, [uids[1]]);
    assert.equal(box.messages.length, 0);
    const ro = await store.open('INBOX', { readOnly: true });
    assert.throws(() => ro.begin().expunge(), (e) => isMailError(e, 'Perm'));
    await ro.close();
  });

  withFixture('copy keeps bytes, flags and date and returns the UID mapping; move also expunges the source', async (f) => {
    const store = await f.open();
    await store.create('Target');
    const box = await store.open('INBOX');
    const a = await appendOne(box, LF_MSG, { flags: { flagged: true }, keywords: ['k1'], internalDate: Date.UTC(2019, 5, 6) });
    const b = await appendOne(box, CRLF_MSG);
    let tx = box.begin();
    tx.copy([a, b], 'Target');
    const r = await tx.commit();
    assert.equal(r.copies.length, 1);
    assert.deepEqual(r.copies[0].source, [a, b]);
    assert.equal(r.copies[0].target.length, 2);
    const target = await store.open('Target');
    assert.equal(r.copies[0].uidValidity, target.uidValidity);
    const ta = target.byUid(r.copies[0].target[0])!;
    assert.deepEqual(ta.flags.flagged, true);
    assert.deepEqual(ta.keywords, ['k1']);
    assert.equal(ta.internalDate, Date.UTC(2019, 5, 6));
    assert.deepEqual(await readAll(await target.openContent(ta.uid, { what: 'full' })), crlf(LF_MSG));
    tx = box.begin();
    tx.move([b], 'Target');
    const mv = await tx.commit();
    const s = await box.sync();
    assert.deepEqual(s.expunged, [b]);
    const ts = await target.sync();
    assert.deepEqual(ts.added.map((m) => m.uid), mv.copies[0].target);
    await assert.rejects(
      (async () => {
        const t = box.begin();
        t.copy([a], 'Missing');
        await t.commit();
      })(),
      (e) => isMailError(e, 'NotFound'),
    );
    await target.close();
    await box.close();
  });

  withFixture('UIDs and UIDVALIDITY persist across reopen; a recreated mailbox gets a new UIDVALIDITY', async (f) => {
    let store = await f.open();
    await store.create('Box');
    let box = await store.open('Box');
    const uids = [await appendOne(box, LF_MSG), await appendOne(box, CRLF_MSG)];
    const validity = box.uidValidity;
    const next = box.uidNext;
    await box.close();
    store = await f.open();
    box = await store.open('Box');
    assert.equal(box.uidValidity, validity);
    assert.deepEqual(box.messages.map((m) => m.uid), uids);
    assert.equal(box.uidNext, next);
    const st = await store.status('Box');
    assert.equal(st.uidValidity, validity);
    assert.equal(st.messages, 2);
    assert.equal(st.unseen, 2);
    assert.equal(st.size, crlf(LF_MSG).length + CRLF_MSG.length);
    await box.close();
    await store.delete('Box');
    await store.create('Box');
    box = await store.open('Box');
    assert.notEqual(box.uidValidity, validity);
    assert.equal(box.messages.length, 0);
    await box.close();
  });

  withFixture('\\Recent: exactly one read-write session sees a new message as recent', async (f) => {
    const store = await f.open();
    await f.deliverExternal('INBOX', LF_MSG);
    const ro = await store.open('INBOX', { readOnly: true });
    assert.equal(ro.messages[0].recent, false, 'a read-only session does not claim recent');
    const a = await store.open('INBOX');
    const b = await (await f.open()).open('INBOX');
    assert.deepEqual([a.messages[0].recent, b.messages[0].recent], [true, false]);
    await f.deliverExternal('INBOX', CRLF_MSG);
    const sb = await b.sync();
    const sa = await a.sync();
    assert.equal(sb.added.length, 1);
    assert.equal(sa.added.length, 1);
    assert.deepEqual([sa.added[0].recent, sb.added[0].recent], [false, true]);
    assert.equal((await store.status('INBOX')).recent, 0);
    await Promise.all([a.close(), b.close(), ro.close()]);
  });

  withFixture('a second session sees flag changes, expunges and appends of the first, and is woken', async (f) => {
    const store = await f.open();
    const a = await store.open('INBOX');
    const uid = await appendOne(a, LF_MSG);
    const b = await (await f.open()).open('INBOX');
    const ac = new AbortController();
    const woken = b.waitForChange(ac.signal);
    const tx = a.begin();
    tx.setFlags([uid], 'add', { flags: { seen: true } });
    await tx.commit();
    await woken;
    let s = await b.sync();
    assert.deepEqual(s.flagsChanged, [uid]);
    assert.equal(b.byUid(uid)!.flags.seen, true);
    const t2 = a.begin();
    t2.expunge([uid]);
    t2.append(CRLF_MSG);
    const r = await t2.commit();
    s = await b.sync();
    assert.deepEqual(s.expunged, [uid]);
    assert.deepEqual(s.added.map((m) => m.uid), r.appended);
    const aborted = new AbortController();
    const wait = b.waitForChange(aborted.signal);
    aborted.abort(new Error('stop'));
    await assert.rejects(wait, /stop/);
    await a.close();
    await b.close();
  });

  withFixture('mail delivered by an outside program wakes a waiting session and shows up in sync', async (f) => {
    const store = await f.open();
    const box = await store.open('INBOX');
    const ac = new AbortController();
    const woken = box.waitForChange(ac.signal);
    await f.deliverExternal('INBOX', MULTI);
    await woken;
    const s = await box.sync();
    assert.equal(s.added.length, 1);
    assert.equal(s.added[0].size, crlf(MULTI).length);
    assert.deepEqual(await readAll(await box.openContent(s.added[0].uid, { what: 'full' })), crlf(MULTI));
    await box.close();
  });

  withFixture('bad mailbox names are refused and never reach outside the mail root', async (f) => {
    const store = await f.open();
    for (const bad of ['../escape', 'a/b', '.hidden', 'a..b', '', 'x\u0000y', '~user', 'a\\b']) {
      await assert.rejects(store.create(bad), (e) => isMailError(e, 'Invalid'), JSON.stringify(bad));
      await assert.rejects(store.open(bad), (e) => isMailError(e, 'Invalid'), JSON.stringify(bad));
    }
    await assert.rejects(store.rename('INBOX', '../x'), (e) => isMailError(e, 'Invalid'));
  });

  withFixture('subscriptions persist and list can show only subscribed mailboxes', async (f) => {
    let store = await f.open();
    await store.create('Work');
    await store.subscribe('Work');
    await store.subscribe('INBOX');
    store = await f.open();
    assert.deepEqual((await store.list({ subscribedOnly: true })).map((e) => e.name).sort(), ['INBOX', 'Work']);
    await store.unsubscribe('Work');
    assert.deepEqual((await store.list({ subscribedOnly: true })).map((e) => e.name), ['INBOX']);
  });

  withFixture('quota: an append over the message or byte limit fails with QuotaExceeded', async (f) => {
    const store = await f.open({ quota: { messages: 2, bytes: 10_000 } });
    const box = await store.open('INBOX');
    await appendOne(box, LF_MSG);
    await appendOne(box, CRLF_MSG);
    const tx = box.begin();
    tx.append(MULTI);
    await assert.rejects(tx.commit(), (e) => isMailError(e, 'QuotaExceeded'));
    const del = box.begin();
    del.expunge([box.messages[0].uid]);
    await del.commit();
    const big = box.begin();
    big.append(Buffer.alloc(20_000, 0x61));
    await assert.rejects(big.commit(), (e) => isMailError(e, 'QuotaExceeded'));
    await appendOne(box, MULTI);
    await box.close();
  });
}
