// The client's view of the selected mailbox (protocols/imap/updates.ts): pending expunges,
// renumbering, suppressed flag reports, EXISTS/RECENT — checked against a real Maildir view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ClientView, flagNames } from '../../../../protocols/imap/updates.js';
import type { SyncResult, Mailbox, MessageInfo } from '../../../../storage/types.js';
import { openMailStore } from '../../../../storage/store.js';
import { silentLogger } from '../../../../src/log.js';
import { deliverToMaildir } from '../../../helpers/maildir.js';

const text = (lines: Buffer[]): string[] => lines.map((l) => l.toString('latin1').replace(/\r\n$/, ''));

async function withMailbox(n: number, fn: (a: Mailbox, b: Mailbox) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    for (let i = 0; i < n; i++) await deliverToMaildir(path.join(dir, 'Maildir'), `Subject: ${i}\n\nbody\n`);
    const user = { username: 'u', home: dir, extra: {} };
    const store = await openMailStore(user, 'maildir:~/Maildir', { log: silentLogger() });
    const a = await store.open('INBOX');
    const b = await store.open('INBOX');
    try {
      await fn(a, b);
    } finally {
      await a.close();
      await b.close();
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('flagNames lists system flags in a fixed order, then \\Recent, then keywords', () => {
  assert.deepEqual(flagNames({ seen: true, answered: true, flagged: false, deleted: true, draft: false }, ['$A', 'b'], true), ['\\Seen', '\\Answered', '\\Deleted', '\\Recent', '$A', 'b']);
  assert.deepEqual(flagNames({ seen: false, answered: false, flagged: false, deleted: false, draft: false }, []), []);
});

test('expunges stay pending while not allowed, then go out highest number first', async () => {
  await withMailbox(5, async (a, b) => {
    const view = new ClientView(b.messages.map((m) => m.uid));
    const tx = a.begin();
    tx.expunge([2, 4]);
    await tx.commit();
    const result = await b.sync();
    assert.deepEqual(text(view.apply(result, b, { allowExpunge: false, withUid: false })), []);
    assert.equal(view.seqOf(4), 4, 'message 4 keeps its number');
    assert.equal(view.exists, 5);
    assert.ok(view.isPending(2));
    assert.deepEqual(text(view.flushExpunges()), ['* 4 EXPUNGE', '* 2 EXPUNGE']);
    assert.deepEqual(view.uids, [1, 3, 5]);
    assert.equal(view.seqOf(5), 3);
  });
});

test('new messages are numbered after pending ones; flags of pending messages are not reported', async () => {
  await withMailbox(3, async (a, b) => {
    const view = new ClientView(b.messages.map((m) => m.uid));
    const tx = a.begin();
    tx.setFlags([1, 3], 'add', { flags: { flagged: true } });
    tx.expunge([1]);
    tx.append(Buffer.from('Subject: new\r\n\r\nx\r\n'));
    await tx.commit();
    const lines = text(view.apply(await b.sync(), b, { allowExpunge: false, withUid: true }));
    assert.deepEqual(lines, ['* 3 FETCH (UID 3 FLAGS (\\Flagged))', '* 4 EXISTS', '* 1 RECENT']);
    assert.deepEqual(text(view.flushExpunges()), ['* 1 EXPUNGE']);
    assert.equal(view.seqOf(4), 3);
  });
});

test('flags already reported by the command, or skipped by it, are not repeated', async () => {
  await withMailbox(2, async (a, b) => {
    const view = new ClientView(b.messages.map((m) => m.uid));
    const tx = a.begin();
    tx.setFlags([1, 2], 'add', { flags: { seen: true } });
    await tx.commit();
    const result = await b.sync();
    const info = b.byUid(1) as MessageInfo;
    view.noteReported(1, info.flags, info.keywords);
    assert.deepEqual(text(view.apply(result, b, { allowExpunge: true, withUid: false, skipFlags: new Set([2]) })), []);
    view.endCommand();
    const tx2 = a.begin();
    tx2.setFlags([1], 'add', { keywords: ['$Later'] });
    await tx2.commit();
    const again: SyncResult = await b.sync();
    assert.deepEqual(text(view.apply(again, b, { allowExpunge: true, withUid: false })), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later \\*)] Flags permitted',
      '* 1 FETCH (FLAGS (\\Seen $Later))',
    ]);
    // Known keywords are not announced again; a read-only view announces no permanent flags.
    const tx3 = a.begin();
    tx3.setFlags([2], 'add', { keywords: ['$Later'] });
    await tx3.commit();
    assert.deepEqual(text(view.apply(await b.sync(), b, { allowExpunge: true, withUid: false })), ['* 2 FETCH (FLAGS (\\Seen $Later))']);
    const ro = new ClientView(b.messages.map((m) => m.uid), [], true);
    const tx4 = a.begin();
    tx4.setFlags([1], 'add', { keywords: ['$New'] });
    await tx4.commit();
    assert.deepEqual(text(ro.apply(await b.sync(), b, { allowExpunge: true, withUid: false })).slice(0, 2), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later $New)',
      '* OK [PERMANENTFLAGS ()] No permanent flags permitted',
    ]);
  });
});

test('sequence sets resolve against the client view: * is the last message, numbers beyond it are invalid', () => {
  const view = new ClientView([3, 7, 9, 20]);
  assert.deepEqual(view.resolveSequence([{ from: 1, to: '*' }]), [3, 7, 9, 20]);
  assert.deepEqual(view.resolveSequence([{ from: 4, to: 2 }]), [7, 9, 20]);
  assert.deepEqual(view.resolveSequence([{ from: '*', to: '*' }, { from: 1, to: 1 }]), [3, 20]);
  assert.equal(view.resolveSequence([{ from: 5, to: 5 }]), null);
  assert.equal(view.resolveSequence([{ from: 1, to: 5 }]), null);
  assert.equal(new ClientView([]).resolveSequence([{ from: 1, to: '*' }]), null, 'an empty mailbox has no message 1');
  assert.deepEqual(new ClientView([]).resolveSequence([{ from: '*', to: '*' }]), []);
});

test('UID sets keep only UIDs of the view; * is the highest UID, even beyond a larger number', () => {
  const view = new ClientView([3, 7, 9, 20]);
  assert.deepEqual(view.resolveUids([{ from: 1, to: '*' }]), [3, 7, 9, 20]);
  assert.deepEqual(view.resolveUids([{ from: 8, to: 10 }, { from: 4, to: 4 }]), [9]);
  assert.deepEqual(view.resolveUids([{ from: 25, to: '*' }]), [20], 'RFC 3501: 25:* covers the highest UID');
  assert.deepEqual(view.resolveUids([{ from: 1, to: 4294967295 }]), [3, 7, 9, 20]);
  assert.deepEqual(view.resolveUids([{ from: 21, to: 30 }]), []);
});
