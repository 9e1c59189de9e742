// Benchmark: open a 100,000-message Maildir the first time (UIDs assigned, sizes and dates
// learned by reading each message) and the second time (everything from dovecot-uidlist and
// inboxd.index: no message file may be opened). Reports time, heap and RSS.
//
// Run: npx tsx bench/maildir-open.ts [count]

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMailStore } from '../storage/store.js';
import { maildirReadStats } from '../storage/maildir/files.js';
import { silentLogger } from '../src/log.js';

const count = Number(process.argv[2] ?? 100_000);
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const md = join(home, 'Maildir');
    for (const d of ['cur', 'new', 'tmp']) await mkdir(join(md, d), { recursive: true });
    let t = performance.now();
    const batch = 256;
    for (let i = 0; i < count; i += batch) {
      const jobs: Promise<void>[] = [];
      for (let j = i; j < Math.min(count, i + batch); j++) {
        const body = `From: sender${j}@example.org\nTo: user@example.org\nSubject: message number ${j}\nMessage-ID: <${j}@bench>\n\nHello ${j}.\n`;
        // No ,W= in the name: the first open must read each message to learn its CRLF size.
        jobs.push(writeFile(join(md, 'cur', `${1700000000 + j}.M${j}P1.bench:2,${j % 3 === 0 ? 'S' : ''}`), body));
      }
      await Promise.all(jobs);
    }
    console.log(`created ${count} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const user = { username: 'bench', home, extra: {} };
    for (const round of ['first', 'second']) {
      const opensBefore = maildirReadStats.messageOpens;
      const rssBefore = process.memoryUsage().rss;
      t = performance.now();
      const store = await openMailStore(user, 'maildir:~/Maildir', { log: silentLogger() });
      const box = await store.open('INBOX');
      const ms = performance.now() - t;
      const mem = process.memoryUsage();
      const opens = maildirReadStats.messageOpens - opensBefore;
      console.log(
        `${round} open: ${box.messages.length} messages in ${(ms / 1000).toFixed(2)} s, message files opened: ${opens}, ` +
          `heap used ${mb(mem.heapUsed)}, rss ${mb(mem.rss)} (+${mb(mem.rss - rssBefore)})`,
      );
      if (box.messages.length !== count) throw new Error(`expected ${count} messages, got ${box.messages.length}`);
      if (round === 'second' && opens !== 0) throw new Error(`the second open read ${opens} message files`);
      if (round === 'second') {
        t = performance.now();
        await box.sync();
        const idle = performance.now() - t;
        t = performance.now();
        const tx = box.begin();
        tx.setFlags([box.messages[0].uid], 'add', { flags: { flagged: true } });
        await tx.commit();
        await box.sync();
        console.log(`sync with nothing new: ${idle.toFixed(0)} ms; one flag change committed and synced: ${(performance.now() - t).toFixed(0)} ms`);
      }
      await box.close();
      await store.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
