// Test helper: Debian's Dovecot imap binary as the reference server, run pre-authenticated on a
// temporary Maildir holding the given messages. `dovecotItems` returns, per (message, item), the
// exact bytes Dovecot sends for that FETCH item, so our encoders can be compared byte for byte.
// Fails with a clear message when Dovecot is missing.

import { spawn } from 'node:child_process';
import { access, chown, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const IMAP_BINARY = '/usr/lib/dovecot/imap';

/** Runs `commands` (tags t0, t1, … are added) after SELECT INBOX; returns the raw output. */
export async function runDovecot(messages: Buffer[], commands: string[], flags: string[] = []): Promise<Buffer> {
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
    const dirs = ['mail', 'mail/cur', 'mail/new', 'mail/tmp', 'run'];
    for (const d of dirs) await mkdir(path.join(dir, d));
    const files: string[] = [];
    for (let i = 0; i < messages.length; i++) {
      const name = `mail/cur/${1_000_000 + i}.M${i}P1.test:2,${flags[i] ?? ''}`;
      await writeFile(path.join(dir, name), messages[i]);
      files.push(name);
    }
    await writeFile(path.join(dir, 'dovecot.conf'), `base_dir = ${dir}/run\nlog_path = /dev/stderr\nssl = no\nmail_location = maildir:${dir}/mail\n`);
    if (isRoot) for (const e of ['.', ...dirs, ...files]) await chown(path.join(dir, e), uid, gid);
    const inPath = path.join(dir, 'in');
    const outPath = path.join(dir, 'out');
    await writeFile(inPath, ['s SELECT INBOX', ...commands.map((c, i) => `t${i} ${c}`), 'z LOGOUT', ''].join('\r\n'));
    const output = await open(outPath, 'w');
    let err = '';
    const code = await new Promise<number | null>((resolve, reject) => {
      // Dovecot wants pipes (not a socket or a plain file) on stdin/stdout.
      const child = spawn(
        '/bin/sh',
        ['-c', 'cat "$0" | "$@" | cat', inPath, IMAP_BINARY, '-c', path.join(dir, 'dovecot.conf'), '-o', `mail_uid=${uid}`, '-o', `mail_gid=${gid}`, '-o', 'first_valid_uid=1', '-o', 'first_valid_gid=1'],
        { env: { USER: isRoot ? 'nobody' : os.userInfo().username, HOME: dir }, stdio: ['ignore', output.fd, 'pipe'] },
      );
      child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', resolve);
    }).finally(() => output.close());
    const out = await readFile(outPath);
    if (code !== 0 || !out.includes('z OK')) throw new Error(`dovecot imap failed (${code}): ${err}\n${out.toString()}`);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The end offset of one IMAP value (atom, quoted, literal, literal8 or parenthesised list) at `pos`. */
export function skipValue(buf: Buffer, pos: number): number {
  const c = buf[pos];
  if (c === 0x28) {
    pos++;
    while (buf[pos] !== 0x29) {
      if (buf[pos] === 0x20) pos++;
      else pos = skipValue(buf, pos);
    }
    return pos + 1;
  }
  if (c === 0x22) {
    pos++;
    while (buf[pos] !== 0x22) pos += buf[pos] === 0x5c ? 2 : 1;
    return pos + 1;
  }
  if (c === 0x7b || (c === 0x7e && buf[pos + 1] === 0x7b)) {
    const close = buf.indexOf(0x7d, pos);
    const n = Number(buf.subarray(buf.indexOf(0x7b, pos) + 1, close).toString('latin1'));
    return close + 3 + n;
  }
  while (pos < buf.length && buf[pos] !== 0x20 && buf[pos] !== 0x29 && buf[pos] !== 0x0d) pos++;
  return pos;
}

/** Every `name value` item of every `* n FETCH (…)` response, by message number and name (first wins). */
export function fetchResponseItems(out: Buffer): Map<number, Map<string, Buffer>> {
  const result = new Map<number, Map<string, Buffer>>();
  let pos = 0;
  for (;;) {
    const m = /^\* (\d+) FETCH \(/.exec(out.subarray(pos, pos + 40).toString('latin1'));
    if (m) {
      const seq = Number(m[1]);
      const items = result.get(seq) ?? new Map<string, Buffer>();
      result.set(seq, items);
      let p = pos + m[0].length;
      while (out[p] !== 0x29) {
        const start = p;
        let depth = 0;
        while (depth > 0 || out[p] !== 0x20) {
          if (out[p] === 0x5b) depth++;
          else if (out[p] === 0x5d) depth--;
          p++;
        }
        const name = out.subarray(start, p).toString('latin1').toUpperCase();
        p = skipValue(out, p + 1);
        if (!items.has(name)) items.set(name, out.subarray(start, p));
        if (out[p] === 0x20) p++;
      }
      pos = p + 3;
    } else {
      const lf = out.indexOf(0x0a, pos);
      if (lf === -1) break;
      pos = lf + 1;
    }
  }
  return result;
}

/**
 * For each message and each fetch item (e.g. 'BODYSTRUCTURE', 'BODY.PEEK[1.MIME]'), the exact
 * bytes Dovecot sends for it: the response name, a space and the value (null when Dovecot
 * answered NO and `allowMissing`).
 */
export async function dovecotItems(messages: Buffer[], items: string[], allowMissing = false): Promise<(Buffer | null)[][]> {
  const commands: string[] = [];
  messages.forEach((_m, i) => items.forEach((item) => commands.push(`FETCH ${i + 1} (${item})`)));
  const all = fetchResponseItems(await runDovecot(messages, commands));
  return messages.map((_m, i) =>
    items.map((item) => {
      const name = item.replace('.PEEK', '').replace(/<(\d+)\.\d+>$/, '<$1>').toUpperCase();
      const found = all.get(i + 1)?.get(name);
      if (!found && allowMissing) return null;
      if (!found) throw new Error(`no ${name} in dovecot's responses for message ${i + 1}: ${[...(all.get(i + 1)?.keys() ?? [])].join(", ")}`);
      return found;
    }),
  );
}
