// The FETCH commands of ImapTest's fetch scripts (../shared/conformance/imaptest/tests/fetch-*),
// on their own mbox messages in a real Maildir store: every item we produce equals, byte for
// byte, what Dovecot (the reference server the scripts were written against) sends.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openMailStore } from '../../../../../storage/store.js';
import { silentLogger } from '../../../../../src/log.js';
import type { MailStore } from '../../../../../storage/types.js';
import { ImapParser } from '../../../../../protocols/imap/parser/parser.js';
import { resolveRanges } from '../../../../../protocols/imap/parser/sequence-set.js';
import { FetchMessage } from '../../../../../protocols/imap/fetch/section.js';
import { writeFetchResponse } from '../../../../../protocols/imap/fetch/producer.js';
import { bytesToRawString } from '../../../../../storage/message/header.js';
import { fetchResponseItems, runDovecot } from './dovecot.js';
import { CollectingWriter } from './helpers.js';

const DIR = '/work/shared/conformance/imaptest/tests';
const SCRIPTS = [
  'fetch-body',
  'fetch-body-mime',
  'fetch-body-message-rfc822',
  'fetch-body-message-rfc822-x2',
  'fetch-body-message-rfc822-mime',
  'fetch-binary-mime',
  'fetch-binary-mime-base64',
  'fetch-binary-mime-qp',
  'fetch-bodystructure',
  'fetch-envelope',
];

let home: string;
let store: MailStore;

before(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  store = await openMailStore({ username: 'tester', home, extra: {} }, 'maildir:~/Maildir', { log: silentLogger() });
});

after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

function mboxMessages(text: string): Buffer[] {
  return text
    .split(/^From [^\n]*\n/m)
    .slice(1)
    .map((m) => Buffer.from(m.replace(/\n\n$/, '\n'), 'latin1'));
}

/** The FETCH commands of a script, without `ok `. */
function fetchCommands(script: string): string[] {
  return script
    .split('\n')
    .map((l) => /^ok ((?:uid )?fetch .*)$/i.exec(l.trimEnd())?.[1])
    .filter((c): c is string => c !== undefined && !/\$/.test(c));
}

/** Splits commands into groups where no (message, item name) repeats, so Dovecot's merged responses stay unambiguous. */
function groups(commands: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let names = new Set<string>();
  for (const c of commands) {
    const keys = c.toUpperCase().replace(/\.PEEK/g, '').match(/[A-Z0-9.]+(\[[^\]]*\])?(<\d+)?/g) ?? [];
    const key = `${c.split(' ')[1]} ${keys.join(' ')}`;
    const parts = keys.map((k) => `${c.split(' ')[1]}:${k}`);
    if (parts.some((p) => names.has(p)) || /[<]/.test(key)) {
      if (current.length > 0) out.push(current);
      current = [];
      names = new Set();
    }
    current.push(c);
    for (const p of parts) names.add(p);
  }
  if (current.length > 0) out.push(current);
  return out;
}

for (const name of SCRIPTS) {
  test(`ImapTest ${name}: every FETCH item equals Dovecot's bytes`, async () => {
    const script = await readFile(path.join(DIR, name), 'utf8');
    const messages = mboxMessages(await readFile(path.join(DIR, `${name}.mbox`), 'latin1'));
    const commands = fetchCommands(script);
    assert.ok(commands.length > 0 && messages.length > 0);
    await store.create(name);
    const box = await store.open(name);
    try {
      const uids: number[] = [];
      for (const m of messages) {
        const tx = box.begin();
        tx.append(m);
        uids.push(...(await tx.commit()).appended);
      }
      await box.sync();
      let compared = 0;
      for (const group of groups(commands)) {
        const reference = fetchResponseItems(await runDovecot(messages, group));
        const writer = new CollectingWriter();
        for (const command of group) {
          const parser = new ImapParser({ maxLineBytes: 65536, maxLiteralBytes: 1 << 20, maxNesting: 16, literalPlus: true });
          parser.feed(Buffer.from(`a ${command}\r\n`));
          const ev = parser.next();
          assert.ok(ev.kind === 'command' && ev.command.name === 'FETCH' && ev.command.args.set.kind === 'ranges', command);
          const args = ev.command.args;
          for (const [lo, hi] of resolveRanges(args.set.kind === 'ranges' ? args.set.ranges : [], messages.length)) {
            for (let seq = lo; seq <= hi; seq++) {
              const info = box.byUid(uids[seq - 1])!;
              await writeFetchResponse(writer, new FetchMessage(box, info), seq, args.items, { stringOptions: {}, flagsChanged: false, zoneOffsetMinutes: 0 });
            }
          }
        }
        const ours = fetchResponseItems(writer.take());
        for (const [seq, items] of ours) {
          for (const [item, bytes] of items) {
            if (item === 'FLAGS' || item === 'INTERNALDATE') continue;
            const theirs = reference.get(seq)?.get(item);
            assert.ok(theirs, `${command(group)}: Dovecot sent no ${item} for ${seq}`);
            // Whether Dovecot sends a decoded BINARY part as literal8 `~{n}` or literal `{n}` depends
            // on its binary cache (the same part comes either way within one session); both are
            // valid for BINARY[] (RFC 3516 §4), so only the literal marker may differ there.
            const plain = (b: Buffer): string => (item.startsWith('BINARY[') ? bytesToRawString(b).replace(/^(BINARY\[[^\]]*\](?:<\d+>)?) ~\{/, '$1 {') : bytesToRawString(b));
            assert.equal(plain(bytes), plain(theirs), `${name} ${seq} ${item}`);
            compared++;
          }
        }
      }
      assert.ok(compared >= commands.length, `${compared} items compared`);
    } finally {
      await box.close();
    }
  });
}

function command(group: string[]): string {
  return group.join(' | ');
}
