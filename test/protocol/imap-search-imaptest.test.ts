// ImapTest's SEARCH scripts (../shared/conformance/imaptest/tests: search-addresses, search-body,
// search-date, search-header) replayed over real TCP against the daemon: each script's mbox is
// appended to a fresh user's INBOX, every `ok search …` must answer OK with exactly the expected
// `* search …` numbers. A small subset of the ImapTest format (no variables, one connection) is
// read here; the full conformance runner lives in test/conformance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ImapTestClient } from './imap-helpers.js';
import { rawCmd } from './imap-fetch-helpers.js';

const DIR = '/work/shared/conformance/imaptest/tests';
const SCRIPTS = ['search-addresses', 'search-body', 'search-date', 'search-header'];

let d: TestDaemon;

before(async () => {
  d = await startTestDaemon(SCRIPTS.map((name) => ({ name, password: 'pw' })));
});

after(async () => {
  await d.stop();
});

/** Messages of an mbox: split at `From ` lines, the separator line and the blank line before the next one dropped. */
function mboxMessages(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/^From [^\n]*\n/m).slice(1)) out.push(chunk.replace(/\n\n$/, '\n').replace(/\n/g, '\r\n'));
  return out;
}

interface Step {
  status: string;
  command: string;
  expected: number[][];
}

/** `ok <command>` lines with their `* search …` expectations. */
function scriptSteps(text: string): Step[] {
  const body = text.slice(text.indexOf('\n\n') + 2);
  const steps: Step[] = [];
  for (const raw of body.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(ok|no|bad) (.*)$/i.exec(line);
    if (m) {
      steps.push({ status: m[1].toUpperCase(), command: m[2], expected: [] });
      continue;
    }
    const s = /^\* search( .*)?$/i.exec(line);
    if (!s || steps.length === 0) throw new Error(`cannot read script line ${JSON.stringify(line)}`);
    steps[steps.length - 1].expected.push((s[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number));
  }
  return steps;
}

for (const name of SCRIPTS) {
  test(`ImapTest ${name}: every SEARCH answers the expected messages`, async () => {
    const script = await readFile(path.join(DIR, name), 'utf8');
    assert.doesNotMatch(script, /\$/, 'no variables in this script');
    const messages = mboxMessages(await readFile(path.join(DIR, `${name}.mbox`), 'latin1'));
    assert.ok(messages.length > 0);
    const c = await ImapTestClient.login(d, name, 'pw');
    for (const m of messages) {
      const bytes = Buffer.from(m, 'latin1');
      const a = await c.cmd(Buffer.concat([Buffer.from(`APPEND INBOX {${bytes.length}+}\r\n`), bytes]));
      assert.match(a.tagged, /OK/, a.tagged);
    }
    assert.match((await c.cmd('SELECT INBOX')).tagged, /OK/);
    const steps = scriptSteps(script);
    assert.ok(steps.length >= 8, `${steps.length} steps`);
    for (const step of steps) {
      const a = await rawCmd(c, step.command);
      assert.match(a.tagged, new RegExp(`^t\\d+ ${step.status} `), `${step.command}: ${a.tagged}`);
      const answers = a.untagged.map((b) => b.toString()).filter((l) => /^\* SEARCH\b/.test(l)).map((l) => l.slice(8).trim().split(/\s+/).filter(Boolean).map(Number));
      if (step.expected.length === 0) continue; // the script checks the status only
      assert.deepEqual(answers, step.expected, step.command);
    }
    await c.logout();
  });
}
