import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyIndexState, loadIndexState, saveIndexState } from '../../../../storage/index/mailbox-index.js';

test('the index round-trips flags, keywords, sizes, dates, MODSEQs, the recent mark and expunged UIDs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const s = emptyIndexState(4242);
    s.highestModseq = 17;
    s.firstRecentUid = 3;
    s.messages.set(1, { uid: 1, size: 120, internalDate: 1700000000000, flags: { seen: true, answered: false, flagged: true, deleted: false, draft: true }, keywords: ['$Work'], modseq: 5 });
    s.messages.set(2, { uid: 2, size: 7, internalDate: 1, flags: { seen: false, answered: true, flagged: false, deleted: true, draft: false }, keywords: [], modseq: 16 });
    s.expunged.push([9, 12]);
    await saveIndexState(dir, s);
    assert.deepEqual(await loadIndexState(dir), s);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing, corrupt or foreign index loads as null (to be rebuilt)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    assert.equal(await loadIndexState(dir), null);
    for (const bad of ['{', '[]', '{"v":2,"uidValidity":1,"m":[],"x":[]}', '{"v":1,"uidValidity":1,"m":[["a"]],"x":[]}']) {
      await writeFile(join(dir, 'inboxd.index'), bad);
      assert.equal(await loadIndexState(dir), null, bad);
    }
    await saveIndexState(dir, emptyIndexState(1));
    assert.ok((await readFile(join(dir, 'inboxd.index'), 'utf8')).startsWith('{"v":1'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('changes are saved as journal lines on top of the base, and a reload replays them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const { IndexFile } = await import('../../../../storage/index/mailbox-index.js');
    const file = new IndexFile(dir);
    const s = emptyIndexState(7);
    const flags = { seen: false, answered: false, flagged: false, deleted: false, draft: false };
    for (let uid = 1; uid <= 3; uid++) s.messages.set(uid, { uid, size: 10 * uid, internalDate: uid, flags: { ...flags }, keywords: [], modseq: ++s.highestModseq });
    await file.save(s);
    const base = await readFile(join(dir, 'inboxd.index'), 'utf8');
    s.messages.get(2)!.flags = { ...flags, seen: true };
    s.messages.get(2)!.modseq = ++s.highestModseq;
    s.messages.delete(1);
    s.expunged.push([1, ++s.highestModseq]);
    s.messages.set(4, { uid: 4, size: 40, internalDate: 4, flags: { ...flags }, keywords: ['k'], modseq: ++s.highestModseq });
    s.firstRecentUid = 5;
    await file.save(s);
    assert.equal(await readFile(join(dir, 'inboxd.index'), 'utf8'), base, 'the base is not rewritten for a small change');
    assert.equal((await readFile(join(dir, 'inboxd.index.log'), 'utf8')).split('\n').filter(Boolean).length, 1);
    await file.save(s);
    assert.equal((await readFile(join(dir, 'inboxd.index.log'), 'utf8')).split('\n').filter(Boolean).length, 1, 'nothing new, nothing written');
    const loaded = await loadIndexState(dir);
    assert.deepEqual(loaded?.messages, s.messages);
    assert.equal(loaded?.highestModseq, s.highestModseq);
    assert.equal(loaded?.firstRecentUid, 5);
    assert.deepEqual(loaded?.expunged, s.expunged);
    assert.equal(s.expunged.length, 1);
    // A torn line and a line of another base are ignored.
    await appendFile(join(dir, 'inboxd.index.log'), '{"g":"other","h":99,"r":1,"m":[],"x":[[2,99]]}\n{"g":');
    assert.deepEqual((await loadIndexState(dir))?.messages, s.messages);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the journal is folded into a new base once it grows past its share', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const { IndexFile } = await import('../../../../storage/index/mailbox-index.js');
    const file = new IndexFile(dir);
    const s = emptyIndexState(3);
    const flags = { seen: false, answered: false, flagged: false, deleted: false, draft: false };
    s.messages.set(1, { uid: 1, size: 1, internalDate: 1, flags, keywords: [], modseq: 1 });
    await file.save(s);
    for (let i = 0; i < 300; i++) {
      const m = s.messages.get(1)!;
      m.flags = { ...flags, seen: i % 2 === 0 };
      m.modseq = ++s.highestModseq;
      await file.save(s);
    }
    const lines = (await readFile(join(dir, 'inboxd.index.log'), 'utf8')).split('\n').filter(Boolean).length;
    assert.ok(lines < 200, `journal compacted (${lines} lines)`);
    assert.deepEqual((await loadIndexState(dir))?.messages, s.messages);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
