// ImapTest's line-based `fetch` script (sequence and UID ranges in any order, `*`, after an
// EXPUNGE, the ALL/FAST/FULL macros) replayed over real TCP against the daemon; the scripts with
// multi-line literals (fetch-body*, fetch-binary*) are compared with Dovecot byte for byte in
// test/unit/protocols/imap/fetch/imaptest-fetch.test.ts.
import { test, before, after } from 'node:test';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { replayScript } from './imap-fetch-helpers.js';

const DIR = '/work/shared/conformance/imaptest/tests';
let d: TestDaemon;

before(async () => {
  d = await startTestDaemon([{ name: 'fetch', password: 'pw' }]);
});

after(async () => {
  await d.stop();
});

test('ImapTest fetch: every command answers as the script expects', async () => {
  await replayScript(d, DIR, 'fetch');
});
