// Maildir++ layout: INBOX is the root Maildir; every other mailbox is a `.Name` directory beside
// cur/new/tmp (components in modified UTF-7, "." as hierarchy delimiter) with a `maildirfolder`
// file. Parents need no directory of their own. A mailbox directory that is a symlink must
// resolve inside the mail root.

import { lstat, mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MailError, hasErrno, mailErrorFromSystem } from '../errors.js';
import { maildirFolderDir, maildirFolderName } from '../names.js';
import type { NameLimits } from '../names.js';
import type { LayoutEntry, MailboxBackend, StoreLayout } from '../types.js';
import { MaildirMailboxBackend } from './mailbox-backend.js';
import { createMaildir } from './files.js';
import type { MaildirBackendOptions } from './mailbox-backend.js';

/** Options of the Maildir++ layout. */
export interface MaildirLayoutOptions {
  root: string;
  /** Index directory root (location INDEX=), or undefined for inside each mailbox. */
  indexRoot?: string;
  nameLimits: NameLimits;
  backend: Omit<MaildirBackendOptions, 'indexDir' | 'newUidValidity'>;
}

let lastUidValidity = 0;

/** A UIDVALIDITY: the current time in seconds, strictly increasing within this process. */
function nextUidValidity(nowMs: number): number {
  lastUidValidity = Math.max(Math.floor(nowMs / 1000), lastUidValidity + 1) >>> 0;
  return lastUidValidity;
}

/** The Maildir++ tree of one user. */
export class MaildirLayout implements StoreLayout {
  readonly delimiter = '.';
  readonly subscriptionsFile = 'subscriptions';
  private realRoot = '';

  constructor(private readonly o: MaildirLayoutOptions) {}

  get controlDir(): string {
    return this.o.root;
  }

  async init(): Promise<void> {
    try {
      await createMaildir(this.o.root, false);
      this.realRoot = await realpath(this.o.root);
    } catch (err) {
      throw mailErrorFromSystem(err, 'mail root');
    }
  }

  private dirOf(name: string): string {
    const d = maildirFolderDir(name);
    return d === '' ? this.o.root : join(this.o.root, d);
  }

  async list(): Promise<LayoutEntry[]> {
    let entries;
    try {
      entries = await readdir(this.o.root, { withFileTypes: true });
    } catch (err) {
      throw mailErrorFromSystem(err, 'mail root');
    }
    const out: LayoutEntry[] = [];
    for (const e of entries) {
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      const name = maildirFolderName(e.name, this.o.nameLimits);
      if (name !== null) out.push({ name, selectable: true });
    }
    return out;
  }

  async exists(name: string): Promise<LayoutEntry | null> {
    const dir = this.dirOf(name);
    try {
      const st = await lstat(dir);
      if (st.isSymbolicLink()) {
        const real = await realpath(dir);
        if (!real.startsWith(this.realRoot + sep)) throw new MailError('Perm', `mailbox ${name} points outside the mail root`);
        return { name, selectable: true };
      }
      return st.isDirectory() ? { name, selectable: true } : null;
    } catch (err) {
      if (hasErrno(err, 'ENOENT', 'ENOTDIR')) return null;
      throw mailErrorFromSystem(err, 'mailbox');
    }
  }

  async create(name: string): Promise<void> {
    // Built under a temporary name (never a valid mailbox name) and renamed into place.
    const tmp = join(this.o.root, `.${randomBytes(6).toString('hex')}..tmp`);
    try {
      await createMaildir(tmp, true);
      await rename(tmp, this.dirOf(name));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw mailErrorFromSystem(err, `mailbox ${name}`);
    }
  }

  /** The separate index directory of a mailbox (location INDEX=), or null. */
  private indexDirOf(name: string): string | null {
    return this.o.indexRoot ? join(this.o.indexRoot, maildirFolderDir(name) || '.INBOX') : null;
  }

  key(name: string): string {
    return this.dirOf(name);
  }

  async delete(name: string): Promise<void> {
    // Renamed out of the way first so that the mailbox disappears at once.
    const trash = join(this.o.root, `.${randomBytes(6).toString('hex')}..deleted`);
    try {
      await rename(this.dirOf(name), trash);
      await rm(trash, { recursive: true, force: true });
      const idx = this.indexDirOf(name);
      if (idx) await rm(idx, { recursive: true, force: true });
    } catch (err) {
      throw mailErrorFromSystem(err, `mailbox ${name}`);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const moving = (await this.list()).filter((e) => e.name === from || e.name.startsWith(from + '.'));
    for (const e of moving) {
      const target = to + e.name.slice(from.length);
      try {
        await rename(this.dirOf(e.name), this.dirOf(target));
      } catch (err) {
        throw mailErrorFromSystem(err, `mailbox ${e.name}`);
      }
      const [oldIdx, newIdx] = [this.indexDirOf(e.name), this.indexDirOf(target)];
      if (oldIdx && newIdx) {
        await rm(newIdx, { recursive: true, force: true });
        await rename(oldIdx, newIdx).catch(() => undefined);
      }
    }
  }

  async moveInboxMessages(to: string): Promise<void> {
    const dst = this.dirOf(to);
    for (const sub of ['new', 'cur']) {
      const names = await readdir(join(this.o.root, sub)).catch(() => [] as string[]);
      for (const n of names) {
        try {
          await rename(join(this.o.root, sub, n), join(dst, sub, n));
        } catch (err) {
          if (!hasErrno(err, 'ENOENT')) throw mailErrorFromSystem(err, 'INBOX rename');
        }
      }
    }
  }

  async backend(name: string): Promise<{ key: string; create: () => MailboxBackend }> {
    const dir = this.dirOf(name);
    const indexDir = this.indexDirOf(name) ?? undefined;
    if (indexDir) {
      await mkdir(indexDir, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
        throw mailErrorFromSystem(err, 'index directory');
      });
    }
    const opts = { ...this.o.backend, indexDir, newUidValidity: () => nextUidValidity(this.o.backend.now()) };
    return { key: dir, create: () => new MaildirMailboxBackend(dir, opts) };
  }
}
