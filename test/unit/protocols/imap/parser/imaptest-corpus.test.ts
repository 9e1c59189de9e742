// Walks the ImapTest scripts (../shared/conformance/imaptest/tests, format in scripted_test.md):
// every client command of every group whose capabilities the grammar supports must parse, or be
// rejected where the script expects BAD. Groups needing other capabilities are skipped by their
// `capabilities:` header, never by a hand-kept list, and counted in the test output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAllChunkings } from './harness.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TESTS_DIR = path.resolve(HERE, '../../../../../../shared/conformance/imaptest/tests');

/** Capabilities whose syntax the parser implements. */
const GRAMMAR_CAPABILITIES = new Set([
  'IMAP4REV1', 'LITERAL+', 'LITERAL-', 'BINARY', 'LIST-EXTENDED', 'LIST-STATUS', 'SPECIAL-USE', 'ESEARCH', 'SEARCHRES',
  'WITHIN', 'MULTIAPPEND', 'UIDPLUS', 'MOVE', 'ID', 'ENABLE', 'UNSELECT', 'IDLE', 'NAMESPACE', 'CHILDREN', 'SASL-IR',
  'STATUS=SIZE',
]);

const COMMANDS = new Set([
  'CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'AUTHENTICATE', 'LOGIN', 'SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME',
  'SUBSCRIBE', 'UNSUBSCRIBE', 'LIST', 'LSUB', 'STATUS', 'APPEND', 'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'SEARCH', 'FETCH',
  'STORE', 'COPY', 'MOVE', 'UID', 'IDLE', 'NAMESPACE', 'ID', 'ENABLE',
]);

/** Values for script variables; any other `$name` is a number as the server would have sent. */
const VARIABLES: Record<string, string> = {
  mailbox: 'imaptest', sep: '/', user: 'user@example.org', username: 'user', domain: 'example.org', password: 'pass',
  mailbox_url: 'imap://user@example.org/imaptest',
};

/** The parser limits of the config defaults (src/config/schema.ts `limits`). */
const CONFIG_DEFAULTS = { maxLineBytes: 65536, maxLiteralBytes: 50 * 1024 * 1024, maxNesting: 32 };

const SAMPLE_MESSAGE = 'From: a@example.org\r\nSubject: corpus\r\n\r\nbody\r\n';

interface Segment {
  text: string;
  literal?: { content: string; binary: boolean };
}

interface ScriptCommand {
  line: number;
  tag?: string;
  segments: Segment[];
  expect?: string;
}

function substitute(text: string): string {
  return text.replace(/\$\$|\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced?: string, bare?: string) => {
    const name = braced ?? bare;
    if (name === undefined) return '$';
    return VARIABLES[name] ?? '7';
  });
}

/** Joins physical lines into logical ones, folding `{{{ … }}}` multi-line literals into segments. */
function logicalLines(body: string[], firstLine: number): Array<{ line: number; segments: Segment[] }> {
  const out: Array<{ line: number; segments: Segment[] }> = [];
  for (let i = 0; i < body.length; i++) {
    const start = i + firstLine;
    const segments: Segment[] = [];
    let text = body[i];
    for (;;) {
      const m = /(~?)\{\{\{$/.exec(text);
      if (!m) {
        segments.push({ text });
        break;
      }
      const content: string[] = [];
      i++;
      while (i < body.length && !body[i].startsWith('}}}')) content.push(body[i++]);
      if (i >= body.length) throw new Error(`unterminated {{{ literal at line ${start}`);
      const literalText = content.map((l) => `${l.endsWith('\r') ? l.slice(0, -1) : l}\r\n`).join('');
      segments.push({ text: text.slice(0, m.index), literal: { content: literalText, binary: m[1] === '~' } });
      text = body[i].slice(3);
    }
    out.push({ line: start, segments });
  }
  return out;
}

/** Extracts the client commands of a script with their expected result (OK, NO, BAD, "" or undefined). */
function parseScript(source: string): { capabilities: string[]; connections: number; commands: ScriptCommand[] } {
  const lines = source.split('\n');
  let i = 0;
  const header: Record<string, string> = {};
  for (; i < lines.length && lines[i].trim() !== ''; i++) {
    const m = /^([a-z_]+(?: \d+)?):\s*(.*)$/i.exec(lines[i]);
    if (!m) throw new Error(`bad header line ${i + 1}: ${lines[i]}`);
    header[m[1].toLowerCase()] = m[2].trim();
  }
  const connections = Number(header.connections ?? '1');
  const capabilities = (header.capabilities ?? '').split(/\s+/).filter(Boolean).map((c) => c.toUpperCase());
  const commands: ScriptCommand[] = [];
  let pending: ScriptCommand | undefined;
  const pendingTags = new Map<string, ScriptCommand>();
  for (const { line, segments } of logicalLines(lines.slice(i + 1), i + 2)) {
    const first = segments[0].text;
    if (segments.length === 1 && (first.trim() === '' || first.startsWith('#') || first.startsWith('!if') || first.startsWith('!else') || first.startsWith('!endif'))) continue;
    let rest = first;
    if (connections > 1 || /^\d+ /.test(rest)) rest = rest.replace(/^\d+ /, '');
    if (/^[*!] /.test(rest) || rest === '*' ) continue; // an expected or banned untagged reply
    const words = rest.split(' ');
    const result = /^(ok|no|bad|"")$/i.exec(words[0]);
    const segs = (text: string): Segment[] => [{ ...segments[0], text }, ...segments.slice(1)];
    if (result) {
      if (pending) {
        pending.expect = words[0].toUpperCase();
        pending = undefined;
        continue;
      }
      commands.push({ line, segments: segs(words.slice(1).join(' ')), expect: words[0].toUpperCase() });
      continue;
    }
    if (pendingTags.has(words[0]) && words[1] !== undefined && /^(ok|no|bad)$/i.test(words[1])) {
      const cmd = pendingTags.get(words[0]) as ScriptCommand;
      cmd.expect = words[1].toUpperCase();
      pendingTags.delete(words[0]);
      continue;
    }
    if (!COMMANDS.has(words[0].toUpperCase()) && words[1] !== undefined && COMMANDS.has(words[1].toUpperCase())) {
      const cmd: ScriptCommand = { line, tag: words[0], segments: segs(words.slice(1).join(' ')) };
      pendingTags.set(words[0], cmd);
      commands.push(cmd);
      continue;
    }
    pending = { line, segments: segs(rest) };
    commands.push(pending);
  }
  return { capabilities, connections, commands };
}

/** The bytes a client sends for a script command: variables filled in, `{{{` literals as `{n}`, bare APPEND given a message. */
function wire(cmd: ScriptCommand, tag: string): string {
  let out = `${tag} `;
  for (const seg of cmd.segments) {
    out += substitute(seg.text);
    if (seg.literal) out += `${seg.literal.binary ? '~' : ''}{${Buffer.byteLength(seg.literal.content, 'latin1')}}\r\n${seg.literal.content}`;
  }
  const hasLiteral = cmd.segments.some((s) => s.literal);
  if (/^append\b/i.test(out.slice(tag.length + 1)) && !hasLiteral) {
    // ImapTest appends the next message of the group's mbox to a bare APPEND.
    if (/^append\s*$/i.test(out.slice(tag.length + 1))) out = `${tag} APPEND ${VARIABLES.mailbox}`;
    out += ` {${SAMPLE_MESSAGE.length}}\r\n${SAMPLE_MESSAGE}`;
  }
  return `${out}\r\n`;
}

/** Feeds one script command to the parser; returns why it does not meet the script's expectation, if so. */
function checkCommand(cmd: ScriptCommand): string | undefined {
  if (cmd.expect === undefined) return `line ${cmd.line}: no result line found for this command`;
  const tag = cmd.tag ?? `t${cmd.line}`;
  const input = wire(cmd, tag);
  const events = runAllChunkings(input, CONFIG_DEFAULTS).filter((e) => e.kind === 'command' || e.kind === 'error');
  if (events.length !== 1) return `line ${cmd.line}: expected one command or error, got ${JSON.stringify(events)}`;
  const ev = events[0];
  const shown = input.slice(0, 200).trim();
  if (cmd.expect === 'BAD' && ev.kind !== 'error') return `line ${cmd.line} should be rejected: ${shown}`;
  if (cmd.expect !== 'BAD' && ev.kind !== 'command') return `line ${cmd.line}: ${shown} → ${JSON.stringify(ev).slice(0, 300)}`;
  const gotTag = ev.kind === 'command' ? ev.command.tag : ev.kind === 'error' ? ev.tag : undefined;
  if (gotTag !== tag) return `line ${cmd.line}: tag ${String(gotTag)} instead of ${tag}`;
  return undefined;
}

test('the corpus check catches a bad command and a wrongly accepted one', () => {
  const script = parseScript('state: auth\n\nok fetch 0 flags\nbad noop\nnoop\n* ok\nok\nt1 noop\nt1 ok\n');
  assert.deepEqual(script.commands.map((c) => c.expect), ['OK', 'BAD', 'OK', 'OK']);
  assert.match(checkCommand(script.commands[0]) ?? '', /line 3: t3 fetch 0 flags/);
  assert.match(checkCommand(script.commands[1]) ?? '', /should be rejected/);
  assert.equal(checkCommand(script.commands[2]), undefined);
  assert.equal(checkCommand(script.commands[3]), undefined);
});

const groups = fs.existsSync(TESTS_DIR) ? fs.readdirSync(TESTS_DIR).filter((f) => !f.endsWith('.mbox') && fs.statSync(path.join(TESTS_DIR, f)).isFile()).sort() : [];

test('the ImapTest corpus is present', () => {
  assert.ok(groups.length > 60, `expected the ImapTest scripts in ${TESTS_DIR}`);
});

let walked = 0;
let skipped = 0;
let commandCount = 0;

for (const group of groups) {
  const script = parseScript(fs.readFileSync(path.join(TESTS_DIR, group), 'latin1'));
  const missing = script.capabilities.filter((c) => !GRAMMAR_CAPABILITIES.has(c));
  if (missing.length > 0) {
    skipped++;
    continue;
  }
  walked++;
  test(`ImapTest group "${group}": every command parses, or is rejected where BAD is expected`, () => {
    assert.ok(script.commands.length > 0, 'no commands found in the script');
    for (const cmd of script.commands) {
      commandCount++;
      const failure = checkCommand(cmd);
      assert.equal(failure, undefined, failure);
    }
  });
}

test('corpus totals', () => {
  // Reported so a reader sees how much of the corpus was walked; skipped groups need capabilities of later issues.
  console.log(`imaptest corpus: ${walked} groups walked (${commandCount} commands), ${skipped} skipped by capability`);
  assert.ok(walked >= 40, `only ${walked} groups walked`);
});
