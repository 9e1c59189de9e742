// A transaction of one session: queued flag changes, expunges, appends, copies and moves,
// applied by commit() in that order.
//
// Atomicity, as far as a format allows: flags, expunges and appends are applied under this
// mailbox's queue (no other session of this process interleaves). Copies are then made under
// the target's queue only, never holding two mailboxes' queues at once (two sessions copying
// A→B and B→A cannot deadlock); a move expunges its sources only after the copy committed, so a
// crash can leave a duplicate but never lose a message. Changes show up in every session's
// next sync(), this session's included.

import type { Logger } from '../src/log.js';
import type { MimeParseLimits } from './message/mime-parser.js';
import { MailError } from './errors.js';
import type { MailboxShared } from './mailbox-shared.js';
import type {
  AppendRequest,
  BackendAppend,
  BackendFlagChange,
  CommitResult,
  CopyResult,
  Flags,
  FlagUpdate,
  Mailbox,
  Transaction,
} from './types.js';

/** What a transaction needs from its store. */
export interface TransactionContext {
  log: Logger;
  /** Largest message accepted by append, in bytes (0 = no limit). */
  maxMessageSize: number;
  parseLimits?: MimeParseLimits;
  /** Opens a target mailbox's shared state for a copy; `release` must be called after. */
  openTarget(name: string): Promise<{ shared: MailboxShared; release: () => Promise<void> }>;
}

type Op =
  | { kind: 'flags'; uids: number[]; mode: 'add' | 'remove' | 'replace'; update: FlagUpdate }
  | { kind: 'expunge'; uids: number[] | null }
  | { kind: 'append'; source: Buffer | AsyncIterable<Buffer>; request: AppendRequest }
  | { kind: 'copy'; uids: number[]; target: string; move: boolean };

function applyUpdate(flags: Flags, keywords: string[], mode: 'add' | 'remove' | 'replace', u: FlagUpdate): [Flags, string[]] {
  const f = mode === 'replace' ? { seen: false, answered: false, flagged: false, deleted: false, draft: false } : { ...flags };
  for (const [k, v] of Object.entries(u.flags ?? {}) as [keyof Flags, boolean | undefined][]) {
    if (!v) continue;
    f[k] = mode !== 'remove';
  }
  const given = u.keywords ?? [];
  let kw: string[];
  if (mode === 'replace') kw = [...given];
  else if (mode === 'add') kw = [...keywords, ...given.filter((g) => !keywords.some((k) => k.toLowerCase() === g.toLowerCase()))];
  else kw = keywords.filter((k) => !given.some((g) => g.toLowerCase() === k.toLowerCase()));
  return [f, [...new Set(kw)].sort()];
}

function validKeyword(k: string): boolean {
  return k.length > 0 && k.length <= 128 && !/[\x00-\x20\x7f()*%"\\\]{]/.test(k) && !k.startsWith('\\');
}

async function collect(source: Buffer | AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  if (Buffer.isBuffer(source)) {
    if (max > 0 && source.length > max) throw new MailError('TooBig', `message larger than ${max} bytes`);
    return source;
  }
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of source) {
    n += c.length;
    if (max > 0 && n > max) throw new MailError('TooBig', `message larger than ${max} bytes`);
    parts.push(Buffer.from(c));
  }
  return Buffer.concat(parts);
}

/** The transaction of one Mailbox view. */
export class MailboxTransaction implements Transaction {
  private ops: Op[] = [];
  private done = false;

  constructor(
    private readonly view: Mailbox,
    private readonly shared: MailboxShared,
    private readonly ctx: TransactionContext,
  ) {}

  private add(op: Op): void {
    if (this.done) throw new MailError('Cannot', 'transaction already finished');
    if (this.view.readOnly && op.kind !== 'copy') throw new MailError('Perm', 'mailbox is open read-only');
    if (this.view.readOnly && op.kind === 'copy' && op.move) throw new MailError('Perm', 'mailbox is open read-only');
    this.ops.push(op);
  }

  setFlags(uids: readonly number[], mode: 'add' | 'remove' | 'replace', update: FlagUpdate): void {
    for (const k of update.keywords ?? []) if (!validKeyword(k)) throw new MailError('Invalid', `invalid keyword ${JSON.stringify(k)}`);
    this.add({ kind: 'flags', uids: [...uids], mode, update });
  }

  expunge(uids?: readonly number[]): void {
    this.add({ kind: 'expunge', uids: uids ? [...uids] : null });
  }

  append(source: Buffer | AsyncIterable<Buffer>, request: AppendRequest = {}): void {
    for (const k of request.keywords ?? []) if (!validKeyword(k)) throw new MailError('Invalid', `invalid keyword ${JSON.stringify(k)}`);
    this.add({ kind: 'append', source, request });
  }

  copy(uids: readonly number[], target: string): void {
    this.add({ kind: 'copy', uids: [...uids], target, move: false });
  }

  move(uids: readonly number[], target: string): void {
    this.add({ kind: 'copy', uids: [...uids], target, move: true });
  }

  rollback(): void {
    this.done = true;
    this.ops = [];
  }

  async commit(): Promise<CommitResult> {
    if (this.done) throw new MailError('Cannot', 'transaction already finished');
    this.done = true;
    const ops = this.ops;
    // Read append sources first (outside any queue: they may be slow client streams).
    const appends: BackendAppend[] = [];
    for (const op of ops) {
      if (op.kind !== 'append') continue;
      const data = await collect(op.source, this.ctx.maxMessageSize);
      if (data.length === 0) throw new MailError('Invalid', 'empty message');
      const [flags, keywords] = applyUpdate(
        { seen: false, answered: false, flagged: false, deleted: false, draft: false },
        [],
        'replace',
        { flags: op.request.flags, keywords: op.request.keywords },
      );
      appends.push({ data, flags, keywords, internalDate: op.request.internalDate ?? Date.now() });
    }
    const result: CommitResult = { uidValidity: 0, appended: [], copies: [] };
    await this.shared.exclusive(async () => {
      await this.shared.refresh(false);
      const state = this.shared.state!;
      result.uidValidity = state.uidValidity;
      const pending = new Map<number, BackendFlagChange>();
      const snapshotUids = new Set(this.view.messages.map((m) => m.uid));
      const expunge = new Set<number>();
      for (const op of ops) {
        if (op.kind === 'flags') {
          for (const uid of op.uids) {
            const cur = pending.get(uid) ?? state.messages.get(uid);
            if (!cur) continue;
            const [flags, keywords] = applyUpdate(cur.flags, cur.keywords, op.mode, op.update);
            pending.set(uid, { uid, flags, keywords });
          }
        } else if (op.kind === 'expunge') {
          const candidates = op.uids ?? [...snapshotUids];
          for (const uid of candidates) {
            const cur = pending.get(uid) ?? state.messages.get(uid);
            if (!cur) continue;
            if (op.uids !== null || cur.flags.deleted) expunge.add(uid);
          }
        }
      }
      const changes = [...pending.values()].filter((c) => !expunge.has(c.uid));
      await this.shared.applyFlags(changes);
      for (const c of changes) {
        const m = state.messages.get(c.uid)!;
        if (JSON.stringify(m.flags) === JSON.stringify(c.flags) && m.keywords.join('\0') === c.keywords.join('\0')) continue;
        m.flags = c.flags;
        m.keywords = c.keywords;
        m.modseq = ++state.highestModseq;
      }
      if (expunge.size > 0) {
        this.shared.noteExpunged(await this.shared.backend.expunge([...expunge].sort((a, b) => a - b)));
      }
      if (appends.length > 0) {
        result.appended = await this.shared.backend.append(appends);
        // Learn the appended messages now (sizes, dates); flag changes and expunges are
        // already in the index.
        await this.shared.refresh(false);
      }
      await this.shared.save();
      this.shared.generation++;
    });
    this.shared.notify();
    for (const op of ops) {
      if (op.kind !== 'copy') continue;
      const copy = await this.copyInto(op.uids, op.target);
      result.copies.push(copy);
      if (op.move) {
        await this.shared.exclusive(async () => {
          await this.shared.refresh(false);
          this.shared.noteExpunged(await this.shared.backend.expunge(copy.source));
          await this.shared.save();
          this.shared.generation++;
        });
        this.shared.notify();
      }
    }
    return result;
  }

  private async copyInto(uids: number[], target: string): Promise<CopyResult> {
    const { shared: dst, release } = await this.ctx.openTarget(target);
    try {
      const source = uids.filter((u) => this.view.byUid(u) !== undefined).sort((a, b) => a - b);
      const missing = uids.find((u) => this.view.byUid(u) === undefined);
      if (missing !== undefined) throw new MailError('NotFound', `no message with UID ${missing} in this session`);
      const copied = await dst.exclusive(async () => {
        let out = source.length === 0 ? [] : await this.shared.backend.copyTo?.(source, dst.backend);
        if (out === null || out === undefined) {
          const items: BackendAppend[] = [];
          for (const uid of source) {
            const info = this.shared.state?.messages.get(uid);
            if (!info) throw new MailError('Expunged', `message ${uid} was expunged`);
            const data = await collect((await this.shared.openRaw(uid)) as AsyncIterable<Buffer>, 0);
            items.push({ data, flags: { ...info.flags }, keywords: [...info.keywords], internalDate: info.internalDate });
          }
          out = await dst.backend.append(items);
        }
        await dst.refresh(false);
        dst.generation++;
        return { uids: out, uidValidity: dst.state!.uidValidity };
      });
      dst.notify();
      return { uidValidity: copied.uidValidity, source, target: copied.uids };
    } finally {
      await release();
    }
  }
}
