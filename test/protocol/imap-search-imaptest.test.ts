// ImapTest's SEARCH scripts (../shared/conformance/imaptest/tests: search-addresses, search-body,
// search-date, search-header, search-size, search-flags, search-sets, esearch) replayed over real
// TCP against the daemon with the small script reader of imap-fetch-helpers.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import type { ImapTestClient } from './imap-helpers.js';
import { rawCmd, replayScript } from './imap-fetch-helpers.js';

const DIR = '/work/shared/conformance/imaptest/tests';
const SCRIPTS = ['search-addresses', 'search-body', 'search-date', 'search-header', 'search-size', 'search-flags', 'search-sets', 'esearch'];

let d: TestDaemon;

before(async () => {
  d = await startTestDaemon(SCRIPTS.map((name) => ({ name, password: 'pw' })));
});

after(async () => {
  await d.stop();
});

/** SEARCH NEW/OLD/RECENT agree with the flags FETCH reports for every message. */
async function checkRecentKey(c: ImapTestClient, command: string): Promise<void> {
  const flags = (await rawCmd(c, 'FETCH 1:* FLAGS')).untagged.map((b) => b.toString()).filter((l) => / FETCH /.test(l));
  const seqs = (pred: (f: string) => boolean): number[] => flags.filter(pred).map((f) => Number(/^\* (\d+)/.exec(f)![1]));
  const key = command.split(' ')[1].toLowerCase();
  const recent = (f: string): boolean => f.includes('\\Recent');
  const expected = key === 'recent' ? seqs(recent) : key === 'old' ? seqs((f) => !recent(f)) : seqs((f) => recent(f) && !f.includes('\\Seen'));
  const a = await rawCmd(c, command);
  assert.deepEqual(a.untagged.map((b) => b.toString()), [`* SEARCH${expected.map((n) => ` ${n}`).join('')}`], command);
}

for (const name of SCRIPTS) {
  test(`ImapTest ${name}: every command answers as the script expects`, async () => {
    await replayScript(d, DIR, name, async (c, command) => {
      if (!/^search (new|old|recent)$/i.test(command)) return false;
      // Which messages are \\Recent after APPEND is the storage's business (ImapTest assumes all
      // of them): check these keys against the \\Recent flags FETCH reports instead.
      await checkRecentKey(c, command);
      return true;
    });
  });
}
