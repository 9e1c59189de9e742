// \Recent across processes: two independent shared states (as two inboxd processes would have)
// on the same mailbox never both claim a message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailboxShared } from '../../../storage/mailbox-shared.js';
import { MaildirMailboxBackend } from '../../../storage/maildir/mailbox-backend.js';
import { createMaildir } from '../../../storage/maildir/files.js';
import { DEFAULT_UIDLIST_LOCK } from '../../../storage/maildir/uidlist.js';
import { silentLogger } from '../../../src/log.js';

function processState(dir: string): MailboxShared {
  const log = silentLogger();
  const backend = new MaildirMailboxBackend(dir, {
    log,
    uidlistLock: DEFAULT_UIDLIST_LOCK,
    tmpStaleMs: 36 * 3600_000,
    pollMs: 1000,
    newUidValidity: () => 1234,
    now: Date.now,
  });
  return new MailboxShared(backend, { log, maxExpungedRemembered: 100, recentLockTimeoutMs: 2000 });
}

test('of two processes syncing the same new mail, exactly one claims each message as recent', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    await createMaildir(dir, false);
    for (let i = 0; i < 5; i++) await writeFile(join(dir, 'new', `${i}.a.host`), `Subject: ${i}\n\n${i}\n`);
    const a = processState(dir);
    const b = processState(dir);
    const [ra, rb] = await Promise.all([a.exclusive(() => a.refresh(true)), b.exclusive(() => b.refresh(true))]);
    assert.deepEqual([...ra.claimed, ...rb.claimed].sort((x, y) => x - y), [1, 2, 3, 4, 5]);
    assert.ok(ra.claimed.length === 0 || rb.claimed.length === 0, 'one process claimed all of them');
    await writeFile(join(dir, 'new', '9.b.host'), 'Subject: late\n\nlate\n');
    const rb2 = await b.exclusive(() => b.refresh(true));
    const ra2 = await a.exclusive(() => a.refresh(true));
    assert.deepEqual(rb2.claimed, [6]);
    assert.deepEqual(ra2.claimed, []);
    const c = processState(dir);
    assert.deepEqual((await c.exclusive(() => c.refresh(true))).claimed, [], 'a later process finds nothing recent');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
