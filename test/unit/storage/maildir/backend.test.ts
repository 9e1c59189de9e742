// Maildir behaviours beyond the shared suite: on-disk names, keywords file, vanished files,
// odd files, stale tmp, symlinks, the uidlist Dovecot reads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, unlink, utimes, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMailStore } from '../../../../storage/store.js';
import { silentLogger } from '../../../../src/log.js';
import { isMailError } from '../../../../storage/errors.js';
import { parseUidlist } from '../../../../storage/maildir/uidlist.js';

async function withHome(fn: (home: string, md: string) => Promise<void>): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    await fn(home, join(home, 'Maildir'));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
const user = (home: string) => ({ username: 'u', home, extra: {} });
const open = (home: string, now?: () => number) => openMailStore(user(home), 'maildir:~/Maildir', { log: silentLogger(), watchPollMs: 50, now });

test('flags are stored as sorted :2, letters, keywords as letters mapped in dovecot-keywords, new/ moved to cur/', async () => {
  await withHome(async (home, md) => {
    const store = await open(home);
    const box = await store.open('INBOX');
    const tx = box.begin();
    tx.append(Buffer.from('Subject: x\n\nhi\n'), { flags: { seen: true, flagged: true }, keywords: ['$Label1', 'Work'] });
    tx.append(Buffer.from('Subject: y\n\nyo\n'));
    await tx.commit();
    await box.sync();
    const cur = await readdir(join(md, 'cur'));
    assert.equal(cur.length, 2, 'both in cur/ after a read-write sync');
    assert.ok(cur.some((n) => /,S=15,W=18:2,FSab$/.test(n)), cur.join(' '));
    assert.ok(cur.some((n) => /,S=15,W=18:2,$/.test(n)), cur.join(' '));
    assert.equal(await readFile(join(md, 'dovecot-keywords'), 'utf8'), '0 $Label1\n1 Work\n');
    const list = parseUidlist(await readFile(join(md, 'dovecot-uidlist'), 'utf8'));
    assert.deepEqual(list.records.map((r) => r.uid), box.messages.map((m) => m.uid));
    assert.equal(list.uidValidity, box.uidValidity);
    await box.close();
  });
});

test('a file removed on disk is reported expunged; reading it gives Expunged; a renamed file keeps its UID', async () => {
  await withHome(async (home, md) => {
    const store = await open(home);
    const box = await store.open('INBOX');
    const tx = box.begin();
    tx.append(Buffer.from('Subject: 1\n\n1\n'));
    tx.append(Buffer.from('Subject: 2\n\n2\n'));
    const { appended } = await tx.commit();
    await box.sync();
    const files = await readdir(join(md, 'cur'));
    const records = parseUidlist(await readFile(join(md, 'dovecot-uidlist'), 'utf8')).records;
    const fileOf = (uid: number) => files.find((n) => n.startsWith(records.find((r) => r.uid === uid)!.base + ':'))!;
    const [first, second] = [fileOf(appended[0]), fileOf(appended[1])];
    // Another program (mutt) marks the second message seen by renaming it, and deletes the first.
    await rename(join(md, 'cur', second), join(md, 'cur', second.replace(/:2,.*$/, ':2,S')));
    await unlink(join(md, 'cur', first));
    await assert.rejects(box.openContent(appended[0], { what: 'full' }), (e) => isMailError(e, 'Expunged'));
    const s = await box.sync();
    assert.deepEqual(s.expunged, [appended[0]]);
    assert.deepEqual(s.flagsChanged, [appended[1]]);
    assert.equal(box.byUid(appended[1])!.flags.seen, true);
    await box.close();
  });
});

test('oddly named and non-regular entries are skipped; stale tmp files are removed, fresh ones kept', async () => {
  await withHome(async (home, md) => {
    const now = Date.UTC(2024, 0, 10);
    const store = await open(home, () => now);
    await mkdir(join(md, 'cur', 'adir'));
    await writeFile(join(md, 'cur', '.hidden'), 'x');
    await writeFile(join(md, 'new', '1.good.host'), 'Subject: ok\n\nok\n');
    await writeFile(join(md, 'tmp', 'old'), 'x');
    await writeFile(join(md, 'tmp', 'fresh'), 'x');
    const old = new Date(now - 37 * 3600 * 1000);
    await utimes(join(md, 'tmp', 'old'), old, old);
    const fresh = new Date(now - 3600 * 1000);
    await utimes(join(md, 'tmp', 'fresh'), fresh, fresh);
    const box = await store.open('INBOX');
    assert.equal(box.messages.length, 1);
    assert.deepEqual((await readdir(join(md, 'tmp'))).sort(), ['fresh']);
    await box.close();
  });
});

test('a mailbox symlinked outside the mail root is refused; one inside is allowed', async () => {
  await withHome(async (home, md) => {
    const store = await open(home);
    const outside = join(home, 'outside');
    await mkdir(join(outside, 'cur'), { recursive: true });
    await mkdir(join(outside, 'new'));
    await mkdir(join(outside, 'tmp'));
    await symlink(outside, join(md, '.Evil'));
    await assert.rejects(store.open('Evil'), (e) => isMailError(e, 'Perm'));
    await assert.rejects(store.status('Evil'), (e) => isMailError(e, 'Perm'));
    await store.create('Real');
    await symlink(join(md, '.Real'), join(md, '.Alias'));
    const box = await store.open('Alias');
    await box.close();
  });
});

test('the index is only an accelerator: deleting or corrupting it loses no UID and no flag', async () => {
  await withHome(async (home, md) => {
    let store = await open(home);
    let box = await store.open('INBOX');
    const tx = box.begin();
    tx.append(Buffer.from('Subject: a\n\na\n'), { flags: { answered: true } });
    tx.append(Buffer.from('Subject: b\n\nb\n'));
    await tx.commit();
    await box.sync();
    const before = box.messages.map((m) => [m.uid, m.flags, m.size, m.internalDate]);
    await box.structure(box.messages[0].uid);
    await box.close();
    await writeFile(join(md, 'inboxd.index'), '{not json');
    await writeFile(join(md, 'inboxd.cache'), 'garbage\n{"v":1}\n');
    store = await open(home);
    box = await store.open('INBOX');
    assert.deepEqual(box.messages.map((m) => [m.uid, m.flags, m.size, m.internalDate]), before);
    assert.equal((await box.structure(box.messages[0].uid)).envelope.subject, 'a');
    await box.close();
    await unlink(join(md, 'inboxd.index'));
    store = await open(home);
    box = await store.open('INBOX');
    assert.deepEqual(box.messages.map((m) => [m.uid, m.flags, m.size, m.internalDate]), before);
    await box.close();
  });
});

test('the index dir of the location (INDEX=) is used instead of the mailbox', async () => {
  await withHome(async (home, md) => {
    const store = await openMailStore(user(home), 'maildir:~/Maildir:INDEX=~/idx', { log: silentLogger() });
    await store.create('Sub');
    const box = await store.open('Sub');
    await box.close();
    assert.ok((await readdir(join(home, 'idx', '.Sub'))).includes('inboxd.index'));
    assert.ok(!(await readdir(join(md, '.Sub'))).includes('inboxd.index'));
  });
});

test('maildirsize is recalculated when missing and updated on append and expunge', async () => {
  await withHome(async (home, md) => {
    const store = await openMailStore(user(home), 'maildir:~/Maildir', { log: silentLogger(), quota: { bytes: 1000, messages: 10 } });
    const box = await store.open('INBOX');
    let tx = box.begin();
    tx.append(Buffer.from('Subject: q\n\nq\n'));
    await tx.commit();
    await box.sync();
    const sum = async () => {
      const lines = (await readFile(join(md, 'maildirsize'), 'utf8')).split('\n');
      assert.equal(lines[0], '1000S,10C');
      return lines.slice(1).filter(Boolean).reduce((a, l) => [a[0] + Number(l.split(' ')[0]), a[1] + Number(l.split(' ')[1])], [0, 0]);
    };
    assert.deepEqual(await sum(), [14, 1]);
    tx = box.begin();
    tx.expunge([box.messages[0].uid]);
    await tx.commit();
    assert.deepEqual(await sum(), [0, 0]);
    await box.close();
  });
});

test('with quiet directories a sync reuses the last listing, yet outside deliveries and renames are still seen', async () => {
  await withHome(async (home, md) => {
    const store = await open(home);
    const box = await store.open('INBOX');
    const tx = box.begin();
    tx.append(Buffer.from('Subject: 1\n\n1\n'));
    await tx.commit();
    await box.sync();
    const past = new Date(Date.now() - 3600_000);
    const age = async () => {
      for (const d of ['new', 'cur', '']) await utimes(join(md, d), past, past);
      await utimes(join(md, 'dovecot-uidlist'), past, past);
    };
    await age();
    assert.deepEqual(await box.sync(), { expunged: [], added: [], flagsChanged: [] });
    assert.deepEqual(await box.sync(), { expunged: [], added: [], flagsChanged: [] });
    await writeFile(join(md, 'new', '99.ext.host'), 'Subject: 2\n\n2\n');
    let s = await box.sync();
    assert.equal(s.added.length, 1);
    await age();
    await box.sync();
    const name = (await readdir(join(md, 'cur'))).find((n) => n.startsWith('99.ext.host'))!;
    await rename(join(md, 'cur', name), join(md, 'cur', '99.ext.host:2,F'));
    s = await box.sync();
    assert.deepEqual(s.flagsChanged, [box.messages[1].uid]);
    assert.equal(box.messages[1].flags.flagged, true);
    await box.close();
  });
});

test('a delivery picked up by another session before this one waits still wakes this one', async () => {
  await withHome(async (home, md) => {
    const store = await open(home);
    const a = await store.open('INBOX');
    const b = await store.open('INBOX');
    await writeFile(join(md, 'new', '1.x.host'), 'Subject: n\n\nn\n');
    await b.sync();
    const ac = new AbortController();
    await a.waitForChange(ac.signal);
    assert.equal((await a.sync()).added.length, 1);
    await Promise.all([a.close(), b.close()]);
  });
});

test('an append over the size limit fails with TooBig and leaves nothing behind', async () => {
  await withHome(async (home, md) => {
    const store = await openMailStore(user(home), 'maildir:~/Maildir', { log: silentLogger(), maxMessageSize: 20 });
    const box = await store.open('INBOX');
    const tx = box.begin();
    tx.append(Buffer.from('Subject: too big for the limit\n\nx\n'));
    await assert.rejects(tx.commit(), (e) => isMailError(e, 'TooBig'));
    assert.deepEqual(await readdir(join(md, 'tmp')), []);
    assert.deepEqual(await readdir(join(md, 'new')), []);
    await box.close();
  });
});

test('existing folders named like a configured special use are listed with that role', async () => {
  await withHome(async (home, md) => {
    await mkdir(join(md, '.Trash', 'cur'), { recursive: true });
    const store = await openMailStore(user(home), 'maildir:~/Maildir', { log: silentLogger(), autocreateSpecialUse: ['Trash', 'Sent'] });
    const list = await store.list();
    assert.deepEqual(list.map((e) => [e.name, e.specialUse]), [
      ['INBOX', null],
      ['Sent', 'Sent'],
      ['Trash', 'Trash'],
    ]);
  });
});

test('without fs.watch, stat polling alone notices an outside delivery', async () => {
  await withHome(async (home, md) => {
    const store = await openMailStore(user(home), 'maildir:~/Maildir', { log: silentLogger(), watchFs: false, watchPollMs: 20 });
    const box = await store.open('INBOX');
    const ac = new AbortController();
    let woken = false;
    const wait = box.waitForChange(ac.signal).then(() => {
      woken = true;
    });
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(woken, false, 'nothing changed yet');
    await writeFile(join(md, 'new', '5.poll.host'), 'Subject: p\n\np\n');
    await wait;
    assert.equal((await box.sync()).added.length, 1);
    await box.close();
  });
});

test('COPY hard-links the file into the target and maps keywords through its dovecot-keywords', async () => {
  await withHome(async (home, md) => {
    const store = await open(home);
    await store.create('T');
    const t = await store.open('T');
    const pre = t.begin();
    pre.append(Buffer.from('Subject: t\n\nt\n'), { keywords: ['Other'] });
    await pre.commit();
    const box = await store.open('INBOX');
    const tx = box.begin();
    tx.append(Buffer.from('Subject: c\n\nc\n'), { keywords: ['Mine'] });
    const { appended } = await tx.commit();
    await box.sync();
    const cp = box.begin();
    cp.copy(appended, 'T');
    const r = await cp.commit();
    await t.sync();
    assert.deepEqual(t.byUid(r.copies[0].target[0])!.keywords, ['Mine']);
    const src = (await readdir(join(md, 'cur')))[0];
    const dst = (await readdir(join(md, '.T', 'cur'))).find((n) => n.endsWith(':2,b'));
    assert.ok(dst, 'keyword Mine is letter b in the target');
    const { stat } = await import('node:fs/promises');
    assert.equal((await stat(join(md, 'cur', src))).ino, (await stat(join(md, '.T', 'cur', dst))).ino);
    assert.equal(await readFile(join(md, '.T', 'dovecot-keywords'), 'utf8'), '0 Other\n1 Mine\n');
    await Promise.all([t.close(), box.close()]);
  });
});

test('keywords beyond the 26 Maildir letters are dropped with a log line, the rest kept', async () => {
  await withHome(async (home) => {
    const store = await open(home);
    const box = await store.open('INBOX');
    const kws = Array.from({ length: 28 }, (_, i) => `kw${String(i).padStart(2, '0')}`);
    const tx = box.begin();
    tx.append(Buffer.from('Subject: k\n\nk\n'), { keywords: kws });
    await tx.commit();
    await box.sync();
    assert.deepEqual(box.messages[0].keywords, kws.slice(0, 26));
    await box.close();
  });
});

test('with INDEX=, deleting or renaming a mailbox takes its index along; a recreated mailbox starts fresh', async () => {
  await withHome(async (home, md) => {
    const store = await openMailStore(user(home), 'maildir:~/Maildir:INDEX=~/idx', { log: silentLogger() });
    await store.create('Box');
    let box = await store.open('Box');
    const tx = box.begin();
    tx.append(Buffer.from('Subject: a\n\na\n'));
    await tx.commit();
    await box.sync();
    assert.equal(box.messages[0].recent, true);
    await box.close();
    await store.rename('Box', 'Moved');
    assert.ok((await readdir(join(home, 'idx', '.Moved'))).includes('inboxd.index'));
    await store.delete('Moved');
    assert.ok(!(await readdir(join(home, 'idx'))).includes('.Moved'));
    await store.create('Moved');
    await writeFile(join(md, '.Moved', 'new', '1.x.host'), 'Subject: b\n\nb\n');
    box = await store.open('Moved');
    assert.equal(box.messages[0].recent, true, 'the new mailbox is not held back by an old recent mark');
    await box.close();
  });
});
