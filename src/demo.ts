// The built-in default: what `npm start` runs with no config file. A demo user `demo` (Maildir)
// and `mdemo` (mbox INBOX), unprivileged ports on 127.0.0.1, everything under the data directory.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { validateConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { welcomeMessages } from './demo-messages.js';

/** Ports of the built-in default, chosen above 1024 so no privilege is needed. */
export const DEMO_PORTS = { pop3: 1110, pop3s: 1995, imap: 1143, imaps: 1993 } as const;

/** The built-in default configuration, rooted at `baseDir` (the working directory). */
export function builtInConfig(baseDir: string): Config {
  const dataDir = path.resolve(baseDir, 'var');
  return validateConfig({
    listen: ['127.0.0.1'],
    data_dir: dataDir,
    pop3: { port: DEMO_PORTS.pop3, tls_port: DEMO_PORTS.pop3s },
    imap: { port: DEMO_PORTS.imap, tls_port: DEMO_PORTS.imaps },
    tls: { cert: path.resolve(baseDir, 'certs/inboxd.crt'), key: path.resolve(baseDir, 'certs/inboxd.key') },
    auth: { passwd_file: path.join(dataDir, 'passwd') },
    mail: { location: 'maildir:~/Maildir' },
    log: { format: 'pretty' },
  });
}

/**
 * Create the demo data on first start: a passwd-file and two users' mail. Existing files are
 * left alone, so mail the user changed survives restarts.
 */
export async function prepareDemoData(cfg: Config): Promise<void> {
  const dataDir = cfg.data_dir;
  const homes = path.join(dataDir, 'home');
  const spool = path.join(dataDir, 'spool');
  await mkdir(homes, { recursive: true, mode: 0o700 });
  await mkdir(spool, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.() ?? 1000;
  const gid = process.getgid?.() ?? 1000;
  // Cleartext on purpose: the demo users can then try every mechanism (APOP, CRAM-MD5, SCRAM).
  const lines = [
    '# inboxd demo users (generated on first start). Format: user:{SCHEME}hash:uid:gid:gecos:home:shell:extra',
    '# Make real hashes with: inboxd hash-password --scheme SHA512-CRYPT',
    `demo:{PLAIN}demo:${uid}:${gid}:Demo User:${path.join(homes, 'demo')}::`,
    `mdemo:{PLAIN}mdemo:${uid}:${gid}:Demo mbox User:${path.join(homes, 'mdemo')}::userdb_mail=mbox:~/mail:INBOX=${path.join(spool, 'mdemo')}`,
    '',
  ];
  await writeIfMissing(cfg.auth.passwd_file, lines.join('\n'), 0o600);
  await createDemoMaildir(path.join(homes, 'demo', 'Maildir'), 'demo');
  await mkdir(path.join(homes, 'mdemo', 'mail'), { recursive: true, mode: 0o700 });
  await createDemoMbox(path.join(spool, 'mdemo'), 'mdemo');
}

async function createDemoMaildir(root: string, user: string): Promise<void> {
  for (const sub of ['tmp', 'new', 'cur']) await mkdir(path.join(root, sub), { recursive: true, mode: 0o700 });
  if ((await readdir(path.join(root, 'new'))).length > 0 || (await readdir(path.join(root, 'cur'))).length > 0) return;
  const host = os.hostname().replace(/[/:]/g, '_');
  let n = 0;
  for (const msg of welcomeMessages(user, 'localhost')) {
    const bytes = Buffer.from(msg.text.replace(/\r?\n/g, '\n'));
    const unique = `${Math.floor(msg.date.getTime() / 1000)}.M${n++}P${process.pid}R${randomBytes(4).toString('hex')}.${host}`;
    const file = path.join(root, 'new', `${unique},S=${bytes.length}`);
    await writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
  }
}

async function createDemoMbox(file: string, user: string): Promise<void> {
  try {
    if ((await stat(file)).size > 0) return;
  } catch {
    // missing: create it below
  }
  const parts: string[] = [];
  for (const msg of welcomeMessages(user, 'localhost')) {
    // mboxrd-style quoting, as Postfix local and procmail deliver.
    const body = msg.text.replace(/\r?\n/g, '\n').replace(/^(>*From )/gm, '>$1');
    parts.push(`From ${msg.envelopeFrom} ${asctime(msg.date)}\n${body}${body.endsWith('\n') ? '' : '\n'}\n`);
  }
  const fh = await open(file, 'a', 0o600);
  try {
    await fh.writeFile(parts.join(''));
  } finally {
    await fh.close();
  }
}

async function writeIfMissing(file: string, content: string, mode: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, content, { mode, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** The date format of an mbox `From ` line: `Mon Jan  2 15:04:05 2006` in UTC. */
export function asctime(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (v: number): string => String(v).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}
