// Helpers for FETCH/SEARCH transcripts: whole responses with their literals, and a small reader
// of ImapTest scripts (../shared/conformance/imaptest) for the line-based ones: one connection;
// `$var` captured from untagged replies and substituted later, `$$` for `$`, `$tag`, `$mailbox`,
// `($!unordered)` as any list; expected untagged replies matched in any order, extra ones
// ignored, `!` replies must not come. Scripts without an mbox get synthetic messages. The full
// conformance runner lives in test/conformance.
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestDaemon } from '../helpers/daemon.js';
import { ImapTestClient } from './imap-helpers.js';

/** One command's answer with every untagged response whole (literals included, CRLF between lines kept). */
export interface RawAnswer {
  untagged: Buffer[];
  tagged: string;
}

/** Sends `tag text` and reads responses, literals included, up to the tagged reply. */
export async function rawCmd(c: ImapTestClient, text: string): Promise<RawAnswer> {
  const tag = c.nextTag();
  c.write(`${tag} ${text}\r\n`);
  const untagged: Buffer[] = [];
  for (;;) {
    const parts: Buffer[] = [];
    let line = await c.lc.line();
    if (line === null) throw new Error(`closed before ${tag}`);
    if (line.startsWith(`${tag} `)) return { untagged, tagged: line };
    for (;;) {
      parts.push(Buffer.from(line, 'latin1'));
      const m = /~?\{(\d+)\}$/.exec(line);
      if (!m) break;
      parts.push(Buffer.from('\r\n'), await c.lc.bytes(Number(m[1])));
      line = await c.lc.line();
      if (line === null) throw new Error(`closed inside a literal of ${tag}`);
    }
    untagged.push(Buffer.concat(parts));
  }
}

/** Messages of an mbox: split at `From ` lines, the blank line before the next one dropped. */
export function mboxMessages(text: string): string[] {
  return text
    .split(/^From [^\n]*\n/m)
    .slice(1)
    .map((chunk) => chunk.replace(/\n\n$/, '\n').replace(/\n/g, '\r\n'));
}

export interface Step {
  status: string;
  command: string;
  expected: string[];
  /** `! …` lines: replies that must not come. */
  unexpected: string[];
}

/** The header (`key: value` lines) and the `ok|no|bad <command>` steps with their `* …` expectations. */
export function readScript(text: string): { header: Record<string, string>; steps: Step[] } {
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
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(ok|no|bad) (.*)$/i.exec(line);
    if (m) steps.push({ status: m[1].toUpperCase(), command: m[2], expected: [], unexpected: [] });
    else if (line.startsWith('* ') && steps.length > 0) steps[steps.length - 1].expected.push(line);
    else if (line.startsWith('! ') && steps.length > 0) steps[steps.length - 1].unexpected.push(`* ${line.slice(2)}`);
    else throw new Error(`cannot read script line ${JSON.stringify(line)}`);
  }
  return { header, steps };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Substitutes known variables in a command (`$$` is a literal `$`). */
export function substitute(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\$|\$(\w+)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    const v = vars.get(name!);
    if (v === undefined) throw new Error(`unknown variable $${name}`);
    return v;
  });
}

/** Matches one expected reply (variables known or captured) against the actual untagged lines. */
export function matchReply(expected: string, actual: readonly string[], vars: Map<string, string>): boolean {
  const captures: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of expected.matchAll(/\(\$!unordered\)|\$\$|\$(\w+)/g)) {
    pattern += escapeRegExp(expected.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '($!unordered)') pattern += '\\(.*\\)'; // a list whose order does not matter: any list here
    else if (m[0] === '$$') pattern += '\\$';
    else if (vars.has(m[1])) pattern += `"?${escapeRegExp(vars.get(m[1])!)}"?`; // a string may come quoted
    else {
      captures.push(m[1]);
      pattern += '("[^"]*"|[^\\s()]+?)'; // a quoted string or an atom
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

/**
 * Replays one script for user `name` (password `pw`): appends its messages, selects INBOX, runs
 * every step. `intercept` may take over a command (returns true when it did).
 */
export async function replayScript(d: TestDaemon, dir: string, name: string, intercept?: (c: ImapTestClient, command: string) => Promise<boolean>): Promise<void> {
  const { header, steps } = readScript(await readFile(path.join(dir, name), 'utf8'));
  const mbox = path.join(dir, `${name}.mbox`);
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
    if (intercept && (await intercept(c, command))) continue;
    const a = await rawCmd(c, command);
    assert.match(a.tagged, new RegExp(`^\\S+ ${step.status} `), `${command}: ${a.tagged}`);
    vars.set('tag', a.tagged.split(' ')[0]);
    const lines = a.untagged.map((b) => b.toString('latin1'));
    for (const e of step.expected) assert.ok(matchReply(e, lines, vars), `${command}\n  expected: ${e}\n  got: ${lines.join('\n       ')}`);
    for (const u of step.unexpected) assert.ok(!matchReply(u, lines, new Map(vars)), `${command}\n  must not come: ${u}\n  got: ${lines.join('\n       ')}`);
  }
  await c.logout();
}
