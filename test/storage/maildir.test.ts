// The shared storage suite run against the Maildir backend.

import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMailStore } from '../../storage/store.js';
import { silentLogger } from '../../src/log.js';
import { runStorageSuite } from './suite.js';
import type { FixtureOptions, StorageFixture } from './suite.js';

let counter = 0;

async function maildirFixture(): Promise<StorageFixture> {
  const home = await mkdtemp(join(tmpdir(), 'inboxd-'));
  const user = { username: 'tester', home, extra: {} };
  return {
    open: (o: FixtureOptions = {}) =>
      openMailStore(user, 'maildir:~/Maildir', { log: silentLogger(), autocreateSpecialUse: o.autocreate ?? [], quota: o.quota, watchPollMs: 50 }),
    async deliverExternal(mailbox, message) {
      // The Maildir delivery protocol: write into tmp/, then rename into new/.
      const dir = mailbox === 'INBOX' ? join(home, 'Maildir') : join(home, 'Maildir', '.' + mailbox);
      const name = `${Math.floor(Date.now() / 1000)}.P${process.pid}Q${++counter}.testhost`;
      await writeFile(join(dir, 'tmp', name), message);
      await rename(join(dir, 'tmp', name), join(dir, 'new', name));
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

runStorageSuite('maildir', maildirFixture);
