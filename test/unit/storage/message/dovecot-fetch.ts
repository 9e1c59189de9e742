// Test helper: runs Debian's Dovecot imap binary (pre-authenticated, on stdin/stdout) over a
// Maildir holding the given messages and returns, per message, RFC822.SIZE, BODYSTRUCTURE and
// ENVELOPE as Dovecot computes them. Fails with a clear message when Dovecot is missing.

import { spawn } from 'node:child_process';
import { access, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseSexp } from './imap-sexp.js';
import type { Sexp } from './imap-sexp.js';

const IMAP_BINARY = '/usr/lib/dovecot/imap';

/** Dovecot's view of one message. */
export interface DovecotView {
  size: number;
  bodystructure: Sexp;
  envelope: Sexp;
}

async function chownTree(dir: string, uid: number, gid: number, entries: string[]): Promise<void> {
  for (const e of entries) await chown(path.join(dir, e), uid, gid);
}

/** Fetches Dovecot's size, BODYSTRUCTURE and ENVELOPE for each message, in order. */
export async function dovecotFetch(messages: Buffer[]): Promise<DovecotView[]> {
  const out = await runDovecot(messages, ['b FETCH 1:* (RFC822.SIZE BODYSTRUCTURE ENVELOPE)']);
  return parseFetches(out, messages.length);
}

/** Fetches, for message i, the items sections[i] (e.g. "1.MIME", "HEADER") with BODY.PEEK. */
export async function dovecotSections(messages: Buffer[], sections: string[][]): Promise<Record<string, string>[]> {
  const commands = sections.map((list, i) => `f${i} FETCH ${i + 1} (${list.map((sec) => `BODY.PEEK[${sec}]`).join(' ')})`);
  const out = await runDovecot(messages, commands);
  const result: Record<string, string>[] = messages.map(() => ({}));
  let pos = 0;
  while (true) {
    const at = out.indexOf(' FETCH (', pos);
    if (at === -1) break;
    const seq = Number(out.subarray(out.lastIndexOf('* ', at) + 2, at).toString('latin1'));
    const { value, next } = parseSexp(out, at + 7);
    pos = next;
    const items = value as Sexp[];
    for (let i = 0; i + 1 < items.length; i += 2) {
      const key = String(items[i]).replace(/^BODY\[(.*)\]$/i, '$1');
      result[seq - 1][key] = items[i + 1] as string;
    }
  }
  return result;
}

/** Runs Dovecot's imap over a Maildir holding `messages`; returns its raw output. */
async function runDovecot(messages: Buffer[], commands: string[]): Promise<Buffer> {
  try {
    await access(IMAP_BINARY);
  } catch {
    throw new Error(`${IMAP_BINARY} not found: install the Debian package dovecot-imapd`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    const isRoot = process.getuid?.() === 0;
    const uid = isRoot ? 65534 : process.getuid!();
    const gid = isRoot ? 65534 : process.getgid!();
    const created = ['mail', 'mail/cur', 'mail/new', 'mail/tmp', 'run'];
    for (const d of created) await mkdir(path.join(dir, d));
    const files: string[] = [];
    for (let i = 0; i < messages.length; i++) {
      const name = `mail/cur/${1000 + i}.M${i}P1.test:2,`;
      await writeFile(path.join(dir, name), messages[i]);
      files.push(name);
    }
    await writeFile(path.join(dir, 'dovecot.conf'), `base_dir = ${dir}/run\nlog_path = /dev/stderr\nssl = no\nmail_location = maildir:${dir}/mail\n`);
    if (isRoot) await chownTree(dir, uid, gid, ['.', ...created, ...files]);
    // Dovecot refuses a socket on stdin ("must not be started from inetd") and cannot poll a
    // plain file: the shell puts real pipes around it. LOGOUT is sent only once the last
    // command completed, since Dovecot drops pending output when its input ends.
    const lastTag = commands.length > 0 ? commands[commands.length - 1].split(' ')[0] : 'a';
    const child = spawn(
      '/bin/sh',
      ['-c', 'cat | "$@" | cat', 'sh', IMAP_BINARY, '-c', path.join(dir, 'dovecot.conf'), '-o', `mail_uid=${uid}`, '-o', `mail_gid=${gid}`, '-o', 'first_valid_uid=1', '-o', 'first_valid_gid=1'],
      { env: { USER: isRoot ? 'nobody' : os.userInfo().username, HOME: dir, MAIL: `maildir:${dir}/mail` }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const chunks: Buffer[] = [];
    let err = '';
    let loggedOut = false;
    const done = `\r\n${lastTag} `;
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      if (!loggedOut && Buffer.concat(chunks).includes(done)) {
        loggedOut = true;
        child.stdin.end('c LOGOUT\r\n');
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const safety = setTimeout(() => child.kill(), 60_000);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
      child.stdin.write(['a SELECT INBOX', ...commands, ''].join('\r\n'));
    }).finally(() => clearTimeout(safety));
    const out = Buffer.concat(chunks);
    if (code !== 0 || !out.includes('c OK')) throw new Error(`dovecot imap failed (${code}): ${err}\n${out.toString()}`);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseFetches(out: Buffer, count: number): DovecotView[] {
  const views: DovecotView[] = [];
  let pos = 0;
  while (true) {
    const at = out.indexOf(' FETCH (', pos);
    if (at === -1) break;
    const seq = Number(out.subarray(out.lastIndexOf('* ', at) + 2, at).toString('latin1'));
    const { value, next } = parseSexp(out, at + 7);
    pos = next;
    const items = value as Sexp[];
    const get = (k: string): Sexp => items[items.findIndex((x) => typeof x === 'string' && x.toUpperCase() === k) + 1];
    views[seq - 1] = { size: Number(get('RFC822.SIZE')), bodystructure: get('BODYSTRUCTURE'), envelope: get('ENVELOPE') };
  }
  if (views.length !== count) throw new Error(`expected ${count} FETCH responses from dovecot, got ${views.length}`);
  return views;
}
