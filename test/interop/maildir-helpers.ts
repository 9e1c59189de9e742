// A throwaway Dovecot environment in a temp dir for interop tests: a minimal config
// (mail_location, private base/state dirs, no auth daemon) and runners for dovecot-lda and
// doveadm acting as the current user. Dovecot refuses to run as root without a userdb lookup,
// so when the tests run as root the tools run as uid/gid 65534 (setpriv) and the temp dir is
// handed to that uid before each Dovecot step (only inside our own temp dir).

import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';

const run = promisify(execFile);
export const LDA = '/usr/lib/dovecot/dovecot-lda';
const NOBODY = 65534;

/** A temp home with a Maildir and a Dovecot config serving it. */
export interface DovecotEnv {
  dir: string;
  home: string;
  maildir: string;
  /** Deliver a message with dovecot-lda into INBOX (or a folder with -m). */
  deliver(message: string | Buffer, folder?: string): Promise<void>;
  /** Run doveadm with the env's config; returns stdout. */
  doveadm(...args: string[]): Promise<string>;
  /** `doveadm fetch 'uid flags' ALL` as [uid, sorted flags][]. */
  uidsAndFlags(mailbox?: string): Promise<[number, string[]][]>;
  status(mailbox?: string): Promise<{ messages: number; uidnext: number; uidvalidity: number }>;
  cleanup(): Promise<void>;
}

/** Fails with a clear message when a required program is missing. */
export function requireProgram(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} not found: install the Debian package ${pkg}`);
}

async function chownTree(path: string, uid: number): Promise<void> {
  const st = await lstat(path);
  await chown(path, uid, uid);
  if (st.isDirectory()) for (const e of await readdir(path)) await chownTree(join(path, e), uid);
}

export async function makeDovecotEnv(): Promise<DovecotEnv> {
  requireProgram(LDA, 'dovecot-core');
  requireProgram('/usr/bin/doveadm', 'dovecot-core');
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  const home = join(dir, 'home');
  const maildir = join(home, 'Maildir');
  const conf = join(dir, 'dovecot.conf');
  await writeFile(
    conf,
    [
      `mail_location = maildir:~/Maildir`,
      `ssl = no`,
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${dir}/dovecot.log`,
      `first_valid_uid = 0`,
      `protocols =`,
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'nobody' : (process.env.USER ?? 'user');
  const env = { ...process.env, HOME: home, USER: user };
  const exec = async (cmd: string, args: string[], input?: string | Buffer): Promise<string> => {
    if (asRoot) await chownTree(dir, NOBODY);
    const full = asRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', cmd, ...args]] : [cmd, args];
    const p = run(full[0] as string, full[1] as string[], { env, maxBuffer: 64 << 20 });
    if (input !== undefined) p.child.stdin?.end(input);
    try {
      return (await p).stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr ?? e.message}`, { cause: err });
    }
  };
  const doveadm = (...args: string[]) => exec('doveadm', ['-c', conf, ...args]);
  if (asRoot) await chownTree(dir, NOBODY);
  return {
    dir,
    home,
    maildir,
    async deliver(message, folder) {
      await exec(LDA, ['-c', conf, ...(folder ? ['-m', folder] : [])], message);
    },
    doveadm,
    async uidsAndFlags(mailbox = 'INBOX') {
      const out = await doveadm('-f', 'flow', 'fetch', 'uid flags', 'mailbox', mailbox, 'ALL');
      return out
        .split('\n')
        .filter((l) => l.startsWith('uid='))
        .map((l) => {
          const m = /^uid=(\d+) flags=(.*)$/.exec(l);
          if (!m) throw new Error(`unexpected doveadm output: ${l}`);
          const flags = m[2].split(' ').filter((f) => f !== '' && f !== '\\Recent');
          return [Number(m[1]), flags.sort()] as [number, string[]];
        });
    },
    async status(mailbox = 'INBOX') {
      const out = await doveadm('-f', 'flow', 'mailbox', 'status', 'messages uidnext uidvalidity', mailbox);
      const get = (k: string) => Number(new RegExp(`${k}=(\\d+)`).exec(out)?.[1]);
      return { messages: get('messages'), uidnext: get('uidnext'), uidvalidity: get('uidvalidity') };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
