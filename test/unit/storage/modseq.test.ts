import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMailStore } from '../../../storage/store.js';
import { loadIndexState } from '../../../storage/index/mailbox-index.js';
import { silentLogger } from '../../../src/log.js';

test('flag changes and expunges bump MODSEQ; expunged UIDs are remembered with theirs, bounded', async () => {
  const home = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const store = await openMailStore({ username: 'u', home, extra: {} }, 'maildir:~/Maildir', { log: silentLogger(), maxExpungedRemembered: 2 });
    const box = await store.open('INBOX');
    const tx = box.begin();
    for (let i = 0; i < 4; i++) tx.append(Buffer.from(`Subject: ${i}\n\n${i}\n`));
    const { appended } = await tx.commit();
    await box.sync();
    const m0 = box.highestModseq;
    assert.ok(box.messages.every((m) => m.modseq <= m0));
    const t2 = box.begin();
    t2.setFlags([appended[3]], 'add', { flags: { seen: true } });
    await t2.commit();
    await box.sync();
    assert.equal(box.byUid(appended[3])!.modseq, m0 + 1);
    assert.equal(box.highestModseq, m0 + 1);
    const t3 = box.begin();
    t3.expunge(appended.slice(0, 3));
    await t3.commit();
    await box.sync();
    assert.equal(box.highestModseq, m0 + 4);
    const idx = await loadIndexState(join(home, 'Maildir'));
    assert.deepEqual(idx?.expunged, [
      [appended[1], m0 + 3],
      [appended[2], m0 + 4],
    ]);
    assert.equal((await store.status('INBOX')).highestModseq, m0 + 4);
    await box.close();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
