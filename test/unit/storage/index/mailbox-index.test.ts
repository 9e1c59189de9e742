import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
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
