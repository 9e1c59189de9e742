// The MailStore written once above every format: name validation, INBOX rules, hierarchy
// attributes (implicit parents are \Noselect), RFC 3501 create/delete/rename semantics,
// subscriptions in Dovecot's file format, special-use roles, STATUS and opening views. The
// format-specific part is a StoreLayout (Maildir++ now, mbox later).
//
// Subscriptions file (Dovecot 2.2+): "V\t2\n\n" then one mailbox a line, hierarchy components
// separated by a tab, each in modified UTF-7. Files without the header are read as one name a
// line (older Dovecot, Courier).

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MailError, mailErrorFromSystem } from './errors.js';
import { decodeMutf7, encodeMutf7 } from './mutf7.js';
import { validateMailboxName } from './names.js';
import type { NameLimits } from './names.js';
import { acquireShared, forgetShared } from './shared-registry.js';
import { MailboxView } from './mailbox-view.js';
import type { MailboxShared, SharedOptions } from './mailbox-shared.js';
import type { TransactionContext } from './transaction.js';
import type { ListOptions, Mailbox, MailboxListEntry, MailboxStatus, MailStore, SpecialUse, StoreLayout } from './types.js';

/** Options of the generic store. */
export interface LayoutStoreOptions {
  nameLimits: NameLimits;
  shared: SharedOptions;
  tx: Omit<TransactionContext, 'openTarget'>;
  /** Special-use folders created when missing; existing folders of these names get the role. */
  autocreate: readonly SpecialUse[];
}

const SPECIAL_FILE = 'inboxd-special-use';

/** A MailStore over any StoreLayout. */
export class LayoutStore implements MailStore {
  readonly delimiter: string;

  constructor(
    private readonly layout: StoreLayout,
    private readonly o: LayoutStoreOptions,
  ) {
    this.delimiter = layout.delimiter;
  }

  /** Create the root if needed and the configured special-use folders. */
  async init(): Promise<void> {
    await this.layout.init();
    for (const use of this.o.autocreate) {
      if (await this.layout.exists(use)) continue;
      await this.create(use, { specialUse: use }).catch((err: unknown) => {
        if (!(err instanceof MailError && err.code === 'Exists')) throw err;
      });
    }
  }

  private name(name: string): string {
    return validateMailboxName(name, this.delimiter, this.o.nameLimits);
  }

  private isUnder(name: string, parent: string): boolean {
    return name.startsWith(parent + this.delimiter);
  }

  private async readControl(file: string): Promise<string | null> {
    try {
      return await readFile(join(this.layout.controlDir, file), 'utf8');
    } catch {
      return null;
    }
  }

  private async writeControl(file: string, text: string): Promise<void> {
    const tmp = join(this.layout.controlDir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, join(this.layout.controlDir, file));
    } catch (err) {
      throw mailErrorFromSystem(err, file);
    }
  }

  private async specialUses(): Promise<Record<string, SpecialUse>> {
    try {
      return JSON.parse((await this.readControl(SPECIAL_FILE)) ?? '{}') as Record<string, SpecialUse>;
    } catch {
      return {};
    }
  }

  private async subscriptions(): Promise<string[]> {
    const text = await this.readControl(this.layout.subscriptionsFile);
    if (text === null) return [];
    const lines = text.split('\n');
    const out: string[] = [];
    if (lines[0] === 'V\t2') {
      for (const l of lines.slice(2)) {
        if (l === '') continue;
        try {
          out.push(l.split('\t').map(decodeMutf7).join(this.delimiter));
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
    const body = names.map((n) => n.split(this.delimiter).map(encodeMutf7).join('\t') + '\n').join('');
    await this.writeControl(this.layout.subscriptionsFile, `V\t2\n\n${body}`);
  }

  async list(options: ListOptions = {}): Promise<MailboxListEntry[]> {
    const selectable = new Set<string>(['INBOX']);
    const all = new Set<string>(['INBOX']);
    for (const e of await this.layout.list()) {
      all.add(e.name);
      if (e.selectable) selectable.add(e.name);
    }
    for (const n of [...all]) {
      const parts = n.split(this.delimiter);
      for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join(this.delimiter));
    }
    const subs = new Set(await this.subscriptions());
    const uses = await this.specialUses();
    const names = [...all].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const out: MailboxListEntry[] = [];
    for (const name of names) {
      const entry: MailboxListEntry = {
        name,
        delimiter: this.delimiter,
        noselect: !selectable.has(name),
        noinferiors: false,
        hasChildren: names.some((o) => this.isUnder(o, name)),
        specialUse: uses[name] ?? (this.o.autocreate.includes(name as SpecialUse) ? (name as SpecialUse) : null),
        subscribed: subs.has(name),
      };
      if (!options.subscribedOnly || entry.subscribed) out.push(entry);
    }
    if (options.subscribedOnly) {
      // Subscribed names that do not exist are still listed (RFC 3501 §6.3.9), as \Noselect.
      for (const s of subs) {
        if (!all.has(s)) out.push({ name: s, delimiter: this.delimiter, noselect: true, noinferiors: false, hasChildren: false, specialUse: null, subscribed: true });
      }
    }
    return out;
  }

  async create(rawName: string, options: { specialUse?: SpecialUse } = {}): Promise<void> {
    const name = this.name(rawName);
    if (name === 'INBOX') throw new MailError('Exists', 'INBOX always exists');
    const existing = await this.layout.exists(name);
    if (existing?.selectable) throw new MailError('Exists', `mailbox ${name} already exists`);
    await this.layout.create(name);
    if (options.specialUse) {
      const uses = await this.specialUses();
      uses[name] = options.specialUse;
      await this.writeControl(SPECIAL_FILE, JSON.stringify(uses));
    }
  }

  async delete(rawName: string): Promise<void> {
    const name = this.name(rawName);
    if (name === 'INBOX') throw new MailError('Cannot', 'INBOX cannot be deleted');
    const existing = await this.layout.exists(name);
    const children = (await this.layout.list()).some((e) => this.isUnder(e.name, name));
    if (!existing?.selectable) {
      if (children) throw new MailError('Cannot', `mailbox ${name} has children and is not selectable`);
      if (!existing) throw new MailError('NotFound', `mailbox ${name} does not exist`);
    }
    await this.layout.delete(name);
    forgetShared(this.layout.key(name));
    const uses = await this.specialUses();
    if (uses[name]) {
      delete uses[name];
      await this.writeControl(SPECIAL_FILE, JSON.stringify(uses));
    }
  }

  async rename(rawFrom: string, rawTo: string): Promise<void> {
    const from = this.name(rawFrom);
    const to = this.name(rawTo);
    if (to === 'INBOX') throw new MailError('Exists', 'INBOX always exists');
    if (to === from || this.isUnder(to, from)) throw new MailError('Cannot', 'a mailbox cannot be renamed into itself');
    if (await this.layout.exists(to)) throw new MailError('Exists', `mailbox ${to} already exists`);
    if (from === 'INBOX') {
      await this.create(to);
      await this.layout.moveInboxMessages(to);
      return;
    }
    const entries = await this.layout.list();
    const moving = entries.filter((e) => e.name === from || this.isUnder(e.name, from)).map((e) => e.name);
    if (moving.length === 0) throw new MailError('NotFound', `mailbox ${from} does not exist`);
    moving.sort((a, b) => a.length - b.length);
    for (const n of moving) {
      const target = to + n.slice(from.length);
      this.name(target);
      if (target !== to && (await this.layout.exists(target))) throw new MailError('Exists', `mailbox ${target} already exists`);
    }
    await this.layout.rename(from, to);
    for (const n of moving) forgetShared(this.layout.key(n));
    const subs = await this.subscriptions();
    const moved = (s: string) => s === from || this.isUnder(s, from);
    if (subs.some(moved)) await this.writeSubscriptions(subs.map((s) => (moved(s) ? to + s.slice(from.length) : s)));
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

  /** Shared state of an existing, selectable mailbox; NotFound otherwise. */
  private async acquire(name: string): Promise<{ shared: MailboxShared; release: () => Promise<void> }> {
    const existing = name === 'INBOX' ? { name, selectable: true } : await this.layout.exists(name);
    if (!existing) throw new MailError('NotFound', `mailbox ${name} does not exist`);
    if (!existing.selectable) throw new MailError('NotFound', `mailbox ${name} cannot be selected`);
    const { key, create } = await this.layout.backend(name);
    return acquireShared(key, create, this.o.shared);
  }

  async status(rawName: string): Promise<MailboxStatus> {
    const { shared, release } = await this.acquire(this.name(rawName));
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
    // Views hold their own references to shared mailbox state; nothing else to release.
  }
}
