// A session's view of a mailbox: its own snapshot (sequence numbers stay stable between syncs),
// its own \Recent set, reads through the shared index and structure cache.

import type { Readable } from 'node:stream';
import { parseMessage } from './message/parse-message.js';
import type { ParsedMessage } from './message/types.js';
import { MailError } from './errors.js';
import type { IndexedMessage } from './index/mailbox-index.js';
import type { MailboxShared } from './mailbox-shared.js';
import { applyRange, emptyStream, needsStructure, selectSpan, sliceCrlf } from './content.js';
import { MailboxTransaction } from './transaction.js';
import type { TransactionContext } from './transaction.js';
import type { ContentRequest, Mailbox, MessageInfo, SyncResult, Transaction } from './types.js';

function toInfo(m: IndexedMessage, recent: boolean): MessageInfo {
  return {
    uid: m.uid,
    flags: { ...m.flags },
    keywords: [...m.keywords],
    size: m.size,
    internalDate: m.internalDate,
    modseq: m.modseq,
    recent,
  };
}

/** The Mailbox implementation over any backend. */
export class MailboxView implements Mailbox {
  messages: MessageInfo[] = [];
  uidValidity = 0;
  uidNext = 1;
  highestModseq = 0;
  private seq = new Map<number, number>();
  private recent = new Set<number>();
  private closed = false;
  private seenGeneration = -1;

  constructor(
    readonly name: string,
    readonly readOnly: boolean,
    private readonly shared: MailboxShared,
    private readonly ctx: TransactionContext,
    private readonly release: () => Promise<void>,
  ) {}

  /** Take the first snapshot. */
  async init(): Promise<void> {
    await this.shared.exclusive(async () => {
      const { claimed } = await this.shared.refresh(!this.readOnly);
      const state = this.shared.state!;
      for (const uid of claimed) this.recent.add(uid);
      this.uidValidity = state.uidValidity;
      this.messages = this.shared.uids.map((u) => toInfo(state.messages.get(u)!, this.recent.has(u)));
      this.reindex();
      this.uidNext = this.shared.uidNext;
      this.highestModseq = state.highestModseq;
      this.seenGeneration = this.shared.generation;
    });
  }

  private reindex(): void {
    this.seq = new Map(this.messages.map((m, i) => [m.uid, i + 1]));
  }

  private check(): void {
    if (this.closed) throw new MailError('Cannot', 'mailbox is closed');
  }

  byUid(uid: number): MessageInfo | undefined {
    const s = this.seq.get(uid);
    return s === undefined ? undefined : this.messages[s - 1];
  }

  seqOf(uid: number): number {
    return this.seq.get(uid) ?? 0;
  }

  async sync(): Promise<SyncResult> {
    this.check();
    return this.shared.exclusive(async () => {
      const { claimed } = await this.shared.refresh(!this.readOnly);
      const state = this.shared.state!;
      if (state.uidValidity !== this.uidValidity) {
        throw new MailError('Corrupt', 'the mailbox UIDVALIDITY changed; it must be reopened');
      }
      if (claimed.length === 0 && this.shared.generation === this.seenGeneration) {
        // Nothing changed since this view's last sync (the index would have bumped generation).
        return { expunged: [], added: [], flagsChanged: [] };
      }
      for (const uid of claimed) this.recent.add(uid);
      const expunged: number[] = [];
      const flagsChanged: number[] = [];
      const kept: MessageInfo[] = [];
      for (const m of this.messages) {
        const now = state.messages.get(m.uid);
        if (!now) {
          expunged.push(m.uid);
          this.recent.delete(m.uid);
          continue;
        }
        if (now.modseq !== m.modseq) {
          m.modseq = now.modseq;
          const changed =
            JSON.stringify(now.flags) !== JSON.stringify(m.flags) || now.keywords.join('\0') !== m.keywords.join('\0');
          m.flags = { ...now.flags };
          m.keywords = [...now.keywords];
          if (changed) flagsChanged.push(m.uid);
        }
        kept.push(m);
      }
      const last = this.messages.length > 0 ? this.messages[this.messages.length - 1].uid : 0;
      const added: MessageInfo[] = [];
      for (const uid of this.shared.uids) {
        if (uid <= last) continue;
        const info = toInfo(state.messages.get(uid)!, this.recent.has(uid));
        added.push(info);
        kept.push(info);
      }
      this.messages = kept;
      this.reindex();
      this.uidNext = Math.max(this.shared.uidNext, this.uidNext);
      this.highestModseq = state.highestModseq;
      this.seenGeneration = this.shared.generation;
      return { expunged, added, flagsChanged };
    });
  }

  async waitForChange(signal: AbortSignal): Promise<void> {
    this.check();
    const inner = new AbortController();
    const onAbort = () => inner.abort(signal.reason);
    if (signal.aborted) throw signal.reason;
    // Another session of this process already brought in changes this view has not synced.
    if (this.shared.generation !== this.seenGeneration) return;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([this.shared.nextLocalChange(inner.signal), this.shared.backend.waitForChange(inner.signal)]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      inner.abort(new Error('done'));
    }
  }

  private requireUid(uid: number): void {
    if (!this.seq.has(uid)) throw new MailError('NotFound', `no message with UID ${uid} in this session`);
  }

  async structure(uid: number): Promise<ParsedMessage> {
    this.check();
    this.requireUid(uid);
    const cache = this.shared.cache!;
    const hit = await cache.get(uid);
    if (hit) return hit;
    const raw = await this.shared.openRaw(uid);
    const parsed = await parseMessage(raw as AsyncIterable<Buffer>, this.ctx.parseLimits);
    await cache.put(uid, parsed).catch((err: unknown) => this.ctx.log.warn({ err }, 'storage: structure cache not written'));
    return parsed;
  }

  async openContent(uid: number, request: ContentRequest): Promise<Readable> {
    this.check();
    this.requireUid(uid);
    const parsed = needsStructure(request) ? await this.structure(uid) : null;
    const span = selectSpan(parsed, request);
    if (!span) return emptyStream();
    const ranged = applyRange(span, request.range);
    if (ranged.end <= ranged.start) return emptyStream();
    return sliceCrlf(await this.shared.openRaw(uid), ranged);
  }

  begin(): Transaction {
    this.check();
    return new MailboxTransaction(this, this.shared, this.ctx);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }
}
