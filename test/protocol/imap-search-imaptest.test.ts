// ImapTest's SEARCH scripts (../shared/conformance/imaptest/tests: search-addresses, search-body,
// search-date, search-header, search-size, search-flags, search-sets, esearch) replayed over real
// TCP against the daemon. A small subset of ImapTest's script format is read here (one
// connection; `$var` captured from untagged replies and substituted later, `$$` for `$`, `$tag`,
// `$mailbox`; expected untagged replies matched in any order, extra ones ignored); the full
// conformance runner lives in test/conformance. Scripts without an mbox get synthetic messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ImapTestClient } from './imap-helpers.js';
import { rawCmd } from './imap-fetch-helpers.js';

const DIR = '/work/shared/conformance/imaptest/tests';
const SCRIPTS = ['search-addresses', 'search-body', 'search-date', 'search-header', 'search-size', 'search-flags', 'search-sets', 'esearch'];

let d: TestDaemon;

before(async () => {
  d = await startTestDaemon(SCRIPTS.map((name) => ({ name, password: 'pw' })));
});

after(async () => {
  await d.stop();
});

/** Messages of an mbox: split at `From ` lines, the blank line before the next one dropped. */
function mboxMessages(text: string): string[] {
  return text
    .split(/^From [^\n]*\n/m)
    .slice(1)
    .map((chunk) => chunk.replace(/\n\n$/, '\n').replace(/\n/g, '\r\n'));
}

interface Step {
  status: string;
  command: string;
  expected: string[];
}

/** The header (`key: value` lines) and the `ok|no|bad <command>` steps with their `* …` expectations. */
function readScript(text: string): { header: Record<string, string>; steps: Step[] } {
  const split = text.indexOf('\n\n');
  const header: Record<string, string> = {};
  for (const l of text.slice(0, split).split('\n')) {
    const m = /^(\w[\w-]*):\s*(.*)$/.exec(l);
    if (!m) throw new Error(`cannot read script header line ${JSON.stringify(l)}`);
    header[m[1].toLowerCase()] = m[2];
  }
  const steps: Step[] = [];
  for (const raw of text.slice(split + 2).split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#') || line.startsWith('! ')) continue;
    const m = /^(ok|no|bad) (.*)$/i.exec(line);
    if (m) steps.push({ status: m[1].toUpperCase(), command: m[2], expected: [] });
    else if (line.startsWith('* ') && steps.length > 0) steps[steps.length - 1].expected.push(line);
    else throw new Error(`cannot read script line ${JSON.stringify(line)}`);
  }
  return { header, steps };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Substitutes known variables in a command (`$$` is a literal `$`). */
function substitute(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\$|\$(\w+)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    const v = vars.get(name!);
    if (v === undefined) throw new Error(`unknown variable $${name}`);
    return v;
  });
}

/** Matches one expected reply (variables known or captured) against the actual untagged lines. */
function matchReply(expected: string, actual: readonly string[], vars: Map<string, string>): boolean {
  const captures: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of expected.matchAll(/\$\$|\$(\w+)/g)) {
    pattern += escapeRegExp(expected.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '$$') pattern += '\\$';
    else if (vars.has(m[1])) pattern += `"?${escapeRegExp(vars.get(m[1])!)}"?`; // a string may come quoted
    else {
      captures.push(m[1]);
      pattern += '([^\\s()]+?)';
    }
  }
  pattern += escapeRegExp(expected.slice(last));
  const re = new RegExp(`^${pattern.replace(/ /g, '\\s+')}$`, 'i');
  for (const line of actual) {
    const m = re.exec(line);
    if (!m) continue;
    captures.forEach((name, i) => vars.set(name, m[i + 1]));
    return true;
  }
  return false;
}

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
    const { header, steps } = readScript(await readFile(path.join(DIR, name), 'utf8'));
    const mbox = path.join(DIR, `${name}.mbox`);
    const hasMbox = await access(mbox).then(
      () => true,
      () => false,
    );
    let messages = hasMbox ? mboxMessages(await readFile(mbox, 'latin1')) : [];
    const wanted = header.messages === undefined || header.messages === 'all' ? messages.length : Number(header.messages);
    if (!hasMbox) messages = Array.from({ length: wanted }, (_v, i) => `From: sender${i + 1}@example.org\r\nSubject: synthetic ${i + 1}\r\n\r\nbody ${i + 1}\r\n`);
    while (messages.length < wanted) messages = [...messages, ...messages].slice(0, wanted);
    assert.ok(messages.length > 0 && steps.length >= 5);
    const c = await ImapTestClient.login(d, name, 'pw');
    for (const m of messages.slice(0, wanted)) {
      const bytes = Buffer.from(m, 'latin1');
      const a = await c.cmd(Buffer.concat([Buffer.from(`APPEND INBOX {${bytes.length}+}\r\n`), bytes]));
      assert.match(a.tagged, /OK/, a.tagged);
    }
    assert.match((await c.cmd('SELECT INBOX')).tagged, /OK/);
    const vars = new Map<string, string>([['mailbox', 'INBOX']]);
    for (const step of steps) {
      const command = substitute(step.command, vars);
      if (/^search (new|old|recent)$/i.test(command)) {
        // Which messages are \Recent after APPEND is the storage's business (ImapTest assumes all
        // of them): check these keys against the \Recent flags FETCH reports instead.
        await checkRecentKey(c, command);
        continue;
      }
      const a = await rawCmd(c, command);
      const tag = a.tagged.split(' ')[0];
      assert.match(a.tagged, new RegExp(`^\\S+ ${step.status} `), `${command}: ${a.tagged}`);
      vars.set('tag', tag);
      const lines = a.untagged.map((b) => b.toString('latin1'));
      for (const e of step.expected) assert.ok(matchReply(e, lines, vars), `${command}\n  expected: ${e}\n  got: ${lines.join('\n       ')}`);
    }
    await c.logout();
  });
}
