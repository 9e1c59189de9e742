// The Maildir++ store of one user: INBOX is the root Maildir, every other mailbox a `.Name`
// directory beside cur/new/tmp (names in modified UTF-7, "." as hierarchy delimiter), with a
// `maildirfolder` file. A parent that has no directory of its own but has children is listed
// \Noselect. Subscriptions are kept in Dovecot's `subscriptions` file, special-use roles of
// mailboxes we created in `inboxd-special-use`.

import { lstat, mkdir, readFile, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MailError, hasErrno, mailErrorFromSystem } from '../errors.js';
import { decodeMutf7, encodeMutf7 } from '../mutf7.js';
import { maildirFolderDir, maildirFolderName, validateMailboxName } from '../names.js';
import type { NameLimits } from '../names.js';
import { acquireShared, forgetShared } from '../shared-registry.js';
import { MailboxView } from '../mailbox-view.js';
import type { TransactionContext } from '../transaction.js';
import type { ListOptions, Mailbox, MailboxListEntry, MailboxStatus, MailStore, SpecialUse } from '../types.js';
import type { SharedOptions } from '../mailbox-shared.js';
import type { MailboxShared } from '../mailbox-shared.js';
import { MaildirMailboxBackend, createMaildir } from './mailbox-backend.js';
import type { MaildirBackendOptions } from './mailbox-backend.js';

/** Everything a Maildir store needs, already resolved from config. */
export interface MaildirStoreOptions {
  root: string;
  /** Index directory root (location INDEX=), or undefined for inside each mailbox. */
  indexRoot?: string;
  nameLimits: NameLimits;
  backend: Omit<MaildirBackendOptions, 'indexDir' | 'newUidValidity'>;
  shared: SharedOptions;
  tx: Omit<TransactionContext, 'openTarget'>;
  autocreate: readonly SpecialUse[];
}

const SPECIAL_FILE = 'inboxd-special-use';
let lastUidValidity = 0;

/** A UIDVALIDITY: the current time in seconds, strictly increasing within this process. */
function nextUidValidity(nowMs: number): number {
  lastUidValidity = Math.max(Math.floor(nowMs / 1000), lastUidValidity + 1) >>> 0;
  return lastUidValidity;
}

/** A user's Maildir++ tree. */
export class MaildirStore implements MailStore {
  readonly delimiter = '.';
  private realRoot = '';

  constructor(private readonly o: MaildirStoreOptions) {}

  /** Create the root Maildir if needed and the configured special-use folders. */
  async init(): Promise<void> {
    try {
      await createMaildir(this.o.root, false);
      this.realRoot = await realpath(this.o.root);
    } catch (err) {
      throw mailErrorFromSystem(err, 'mail root');
    }
    const existing = new Set((await this.list()).map((e) => e.name));
    for (const use of this.o.autocreate) {
      if (existing.has(use)) continue;
      await this.create(use, { specialUse: use }).catch((err: unknown) => {
        if (!(err instanceof MailError && err.code === 'Exists')) throw err;
      });
    }
  }

  private name(name: string): string {
    return validateMailboxName(name, '.', this.o.nameLimits);
  }

  private dirOf(name: string): string {
    const d = maildirFolderDir(name);
    return d === '' ? this.o.root : join(this.o.root, d);
  }

  /** The directory of an existing mailbox, refusing symlinks that leave the mail root. */
  private async existingDir(name: string): Promise<string | null> {
    const dir = this.dirOf(name);
    try {
      const st = await lstat(dir);
      if (st.isSymbolicLink()) {
        const real = await realpath(dir);
        if (!real.startsWith(this.realRoot + sep)) throw new MailError('Perm', `mailbox ${name} points outside the mail root`);
        return dir;
      }
      return st.isDirectory() ? dir : null;
    } catch (err) {
      if (hasErrno(err, 'ENOENT', 'ENOTDIR')) return null;
      throw mailErrorFromSystem(err, 'mailbox');
    }
  }

  private async folderNames(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.o.root, { withFileTypes: true });
    } catch (err) {
      throw mailErrorFromSystem(err, 'mail root');
    }
    const out: string[] = [];
    for (const e of entries) {
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      const n = maildirFolderName(e.name, this.o.nameLimits);
      if (n !== null) out.push(n);
    }
    return out;
  }

  private async specialUses(): Promise<Record<string, SpecialUse>> {
    try {
      return JSON.parse(await readFile(join(this.o.root, SPECIAL_FILE), 'utf8')) as Record<string, SpecialUse>;
    } catch {
      return {};
    }
  }

  private async writeJson(file: string, text: string): Promise<void> {
    const tmp = join(this.o.root, `${file}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, join(this.o.root, file));
    } catch (err) {
      throw mailErrorFromSystem(err, file);
    }
  }

  /** Read Dovecot's subscriptions file (version 2 with tab-separated components, or one name a line). */
  private async subscriptions(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(join(this.o.root, 'subscriptions'), 'utf8');
    } catch {
      return [];
    }
    const lines = text.split('\n');
    const out: string[] = [];
    if (lines[0] === 'V\t2') {
      for (const l of lines.slice(2)) {
        if (l === '') continue;
        try {
          out.push(l.split('\t').map(decodeMutf7).join('.'));
        } catch {
          // An undecodable line is skipped.
        }
      }
    } else {
      for (const l of lines) if (l !== '') out.push(l);
    }
    return out;
  }

  private async writeSubscriptions(names: string[]): Promise<void> {
    const body = names.map((n) => n.split('.').map(encodeMutf7).join('\t') + '\n').join('');
    await this.writeJson('subscriptions', `V\t2\n\n${body}`);
  }

  async list(options: ListOptions = {}): Promise<MailboxListEntry[]> {
    const real = new Set(['INBOX', ...(await this.folderNames())]);
    const all = new Set(real);
    for (const n of real) {
      const parts = n.split('.');
      for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join('.'));
    }
    const subs = new Set(await this.subscriptions());
    const uses = await this.specialUses();
    const names = [...all].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const out: MailboxListEntry[] = [];
    for (const name of names) {
      const hasChildren = [...all].some((o) => o.startsWith(name + '.'));
      const entry: MailboxListEntry = {
        name,
        delimiter: '.',
        noselect: !real.has(name),
        noinferiors: false,
        hasChildren,
        specialUse: uses[name] ?? (this.o.autocreate.includes(name as SpecialUse) ? (name as SpecialUse) : null),
        subscribed: subs.has(name),
      };
      if (!options.subscribedOnly || entry.subscribed) out.push(entry);
    }
    if (options.subscribedOnly) {
      // Subscribed names that do not exist are still listed (RFC 3501 §6.3.9), as \Noselect.
      for (const s of subs) if (!all.has(s)) out.push({ name: s, delimiter: '.', noselect: true, noinferiors: false, hasChildren: false, specialUse: null, subscribed: true });
    }
    return out;
  }

  async create(rawName: string, options: { specialUse?: SpecialUse } = {}): Promise<void> {
    const name = this.name(rawName);
    if (name === 'INBOX') throw new MailError('Exists', 'INBOX always exists');
    if (await this.existingDir(name)) throw new MailError('Exists', `mailbox ${name} already exists`);
    const dir = this.dirOf(name);
    const tmp = join(this.o.root, `.${randomBytes(6).toString('hex')}..tmp`);
    try {
      await createMaildir(tmp, true);
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw mailErrorFromSystem(err, `mailbox ${name}`);
    }
    if (options.specialUse) {
      const uses = await this.specialUses();
      uses[name] = options.specialUse;
      await this.writeJson(SPECIAL_FILE, JSON.stringify(uses));
    }
  }

  async delete(rawName: string): Promise<void> {
    const name = this.name(rawName);
    if (name === 'INBOX') throw new MailError('Cannot', 'INBOX cannot be deleted');
    const dir = await this.existingDir(name);
    if (!dir) {
      const children = (await this.folderNames()).some((n) => n.startsWith(name + '.'));
      if (children) throw new MailError('Cannot', `mailbox ${name} has children and is not selectable`);
      throw new MailError('NotFound', `mailbox ${name} does not exist`);
    }
    // Rename out of the way first so that the mailbox disappears at once, then remove it.
    const trash = join(this.o.root, `.${randomBytes(6).toString('hex')}..deleted`);
    try {
      await rename(dir, trash);
      await rm(trash, { recursive: true, force: true });
    } catch (err) {
      throw mailErrorFromSystem(err, `mailbox ${name}`);
    }
    forgetShared(dir);
    const uses = await this.specialUses();
    if (uses[name]) {
      delete uses[name];
      await this.writeJson(SPECIAL_FILE, JSON.stringify(uses));
    }
  }

  async rename(rawFrom: string, rawTo: string): Promise<void> {
    const from = this.name(rawFrom);
    const to = this.name(rawTo);
    if (to === 'INBOX') throw new MailError('Exists', 'INBOX always exists');
    if (to === from || to.startsWith(from + '.')) throw new MailError('Cannot', 'a mailbox cannot be renamed into itself');
    if (await this.existingDir(to)) throw new MailError('Exists', `mailbox ${to} already exists`);
    if (from === 'INBOX') return this.renameInbox(to);
    const names = await this.folderNames();
    const moving = names.filter((n) => n === from || n.startsWith(from + '.'));
    if (moving.length === 0) throw new MailError('NotFound', `mailbox ${from} does not exist`);
    for (const n of moving) {
      const target = to + n.slice(from.length);
      this.name(target);
      if (await this.existingDir(target)) throw new MailError('Exists', `mailbox ${target} already exists`);
    }
    for (const n of moving) {
      try {
        await rename(this.dirOf(n), this.dirOf(to + n.slice(from.length)));
      } catch (err) {
        throw mailErrorFromSystem(err, `mailbox ${n}`);
      }
      forgetShared(this.dirOf(n));
    }
    const subs = await this.subscriptions();
    if (subs.some((s) => s === from || s.startsWith(from + '.'))) {
      await this.writeSubscriptions(subs.map((s) => (s === from || s.startsWith(from + '.') ? to + s.slice(from.length) : s)));
    }
  }

  /** RFC 3501 §6.3.5: renaming INBOX moves its messages into a new mailbox and leaves INBOX empty. */
  private async renameInbox(to: string): Promise<void> {
    await this.create(to);
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

  async subscribe(rawName: string): Promise<void> {
    const name = this.name(rawName);
    const subs = await this.subscriptions();
    if (!subs.includes(name)) await this.writeSubscriptions([...subs, name]);
  }

  async unsubscribe(rawName: string): Promise<void> {
    const name = this.name(rawName);
    const subs = await this.subscriptions();
    if (!subs.includes(name)) throw new MailError('NotFound', `not subscribed to ${name}`);
    await this.writeSubscriptions(subs.filter((s) => s !== name));
  }

  /** Shared state of an existing mailbox; NotFound otherwise. */
  private async acquire(name: string): Promise<{ shared: MailboxShared; release: () => Promise<void> }> {
    const dir = await this.existingDir(name);
    if (!dir) throw new MailError('NotFound', `mailbox ${name} does not exist`);
    let indexDir: string | undefined;
    if (this.o.indexRoot) {
      indexDir = join(this.o.indexRoot, maildirFolderDir(name) || '.INBOX');
      await mkdir(indexDir, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
        throw mailErrorFromSystem(err, 'index directory');
      });
    }
    const create = () => new MaildirMailboxBackend(dir, { ...this.o.backend, indexDir, newUidValidity: () => nextUidValidity(this.o.backend.now()) });
    return acquireShared(dir, create, this.o.shared);
  }

  async status(rawName: string): Promise<MailboxStatus> {
    const name = this.name(rawName);
    const { shared, release } = await this.acquire(name);
    try {
      return await shared.exclusive(async () => {
        await shared.refresh(false);
        const st = shared.state!;
        let unseen = 0;
        let size = 0;
        let recent = 0;
        for (const m of st.messages.values()) {
          if (!m.flags.seen) unseen++;
          size += m.size;
          if (m.uid >= st.firstRecentUid) recent++;
        }
        return { messages: st.messages.size, recent, uidNext: shared.uidNext, uidValidity: st.uidValidity, unseen, size, highestModseq: st.highestModseq };
      });
    } finally {
      await release();
    }
  }

  async open(rawName: string, options: { readOnly?: boolean } = {}): Promise<Mailbox> {
    const name = this.name(rawName);
    const { shared, release } = await this.acquire(name);
    const ctx: TransactionContext = { ...this.o.tx, openTarget: (t) => this.acquire(this.name(t)) };
    const view = new MailboxView(name, options.readOnly ?? false, shared, ctx, release);
    try {
      await view.init();
    } catch (err) {
      await release();
      throw err;
    }
    return view;
  }

  async close(): Promise<void> {
    // Views hold their own references; nothing else to release.
  }
}
