// The state one process shares between all sessions that have the same mailbox open: the
// backend, the index (sizes, dates, flags, MODSEQs, \Recent mark) and in-process change
// notification. Refreshes and commits are serialized by a queue so two sessions of this
// process never interleave their updates.
//
// MODSEQ rules: a message's MODSEQ is bumped (to highestModseq + 1) when it arrives and whenever
// its flags or keywords differ from what the index remembered (whoever changed them: this
// process or another program renaming the file); an expunge records [uid, modseq] in a bounded
// list. \Recent: messages with UID >= firstRecentUid are claimed by the first read-write
// refresh that sees them, and firstRecentUid moves past them, persisted in the index.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { tryDotlock } from './lock/dotlock.js';
import type { Logger } from '../src/log.js';
import { MailError } from './errors.js';
import type { BackendFlagChange, BackendState, MailboxBackend } from './types.js';
import { IndexFile, emptyIndexState } from './index/mailbox-index.js';
import type { IndexedMessage, MailboxIndexState } from './index/mailbox-index.js';
import { StructureCache } from './index/structure-cache.js';

/** Options of the shared layer. */
export interface SharedOptions {
  log: Logger;
  /** How many expunged [uid, modseq] pairs the index remembers. */
  maxExpungedRemembered: number;
  /** How many messages are read at once when the index must learn about new ones [16]. */
  ioConcurrency?: number;
  /** How long a read-write sync waits for the lock of `inboxd.recent`. */
  recentLockTimeoutMs: number;
}

const RECENT_FILE = 'inboxd.recent';

/** The result of one refresh. */
export interface RefreshResult {
  /** UIDs this refresh claimed as \Recent (only for claiming refreshes). */
  claimed: number[];
}

function sameFlags(a: IndexedMessage, flags: IndexedMessage['flags'], keywords: readonly string[]): boolean {
  return (
    a.flags.seen === flags.seen &&
    a.flags.answered === flags.answered &&
    a.flags.flagged === flags.flagged &&
    a.flags.deleted === flags.deleted &&
    a.flags.draft === flags.draft &&
    a.keywords.length === keywords.length &&
    a.keywords.every((k, i) => k === keywords[i])
  );
}

/** Shared per-process state of one open mailbox. */
export class MailboxShared {
  state: MailboxIndexState | null = null;
  uidNext = 1;
  /** Ordered UIDs of the current state. */
  uids: number[] = [];
  cache: StructureCache | null = null;
  refs = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private waiters = new Set<() => void>();
  private loaded = false;
  private indexFile: IndexFile;
  private lastMerged: BackendState | null = null;

  constructor(
    readonly backend: MailboxBackend,
    private readonly opts: SharedOptions,
  ) {
    this.indexFile = new IndexFile(backend.indexDir);
  }

  /** Run `fn` after every queued refresh/commit of this mailbox. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves at the next in-process change (a commit by any session of this process). */
  nextLocalChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(done);
        reject(signal.reason);
      };
      this.waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Bumped whenever the index changed; a view compares it with the value at its last sync. */
  generation = 0;

  notify(): void {
    this.generation++;
    for (const w of [...this.waiters]) w();
  }

  /** Scan the backend and merge into the index. Call inside exclusive(). */
  async refresh(claimRecent: boolean): Promise<RefreshResult> {
    const scan = await this.backend.scan({ claimNew: claimRecent });
    if (!this.loaded) {
      this.state = await this.indexFile.load();
      this.loaded = true;
    }
    let changed = false;
    let state = this.state;
    if (!state || state.uidValidity !== scan.uidValidity) {
      if (state) this.opts.log.info({ dir: this.backend.indexDir }, 'storage: index of another UIDVALIDITY discarded');
      state = emptyIndexState(scan.uidValidity);
      this.state = state;
      changed = true;
    }
    if (!this.cache) this.cache = new StructureCache(this.backend.indexDir, scan.uidValidity);
    // The backend hands back the very same state object when nothing changed on disk.
    if (scan !== this.lastMerged || changed) changed = (await this.merge(state, scan)) || changed;
    this.lastMerged = scan;
    let claimed: number[] = [];
    if (claimRecent && this.uids.length > 0 && this.uids[this.uids.length - 1] >= state.firstRecentUid) {
      const first = await this.claimAcrossProcesses(state.firstRecentUid, scan.uidNext, scan.uidValidity);
      if (first !== null) claimed = this.uids.filter((uid) => uid >= first);
      state.firstRecentUid = Math.max(scan.uidNext, first ?? 0);
      changed = true;
    }
    this.uidNext = scan.uidNext;
    if (changed) {
      await this.save();
      this.notify();
    }
    return { claimed };
  }

  /**
   * \Recent across processes: `inboxd.recent` holds the UIDVALIDITY and the first UID no
   * session has claimed yet;
   * it is read and advanced under a dotlock, so of two processes only one claims a message.
   * Returns the first UID this caller may claim, or null when the lock could not be had in time
   * (then nobody claims: better no \Recent than two).
   */
  private async claimAcrossProcesses(memoryFirst: number, uidNext: number, uidValidity: number): Promise<number | null> {
    const file = join(this.backend.indexDir, RECENT_FILE);
    const deadline = Date.now() + this.opts.recentLockTimeoutMs;
    let lock = null;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      try {
        lock = await tryDotlock(file, { staleMs: 30_000, touchIntervalMs: 0 });
      } catch (err) {
        this.opts.log.warn({ err }, 'storage: cannot lock the recent file; recent stays in this process');
        return memoryFirst;
      }
      if (lock || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, delay));
    }
    if (!lock) return null;
    try {
      // `<uidvalidity> <first unclaimed uid>`: a file of another UIDVALIDITY is ignored.
      const text = await readFile(file, 'utf8').catch(() => '');
      const m = /^(\d+) (\d+)\s*$/.exec(text);
      const onDisk = m && Number(m[1]) === uidValidity ? Number(m[2]) : 0;
      const first = Math.max(memoryFirst, onDisk);
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, `${uidValidity} ${Math.max(first, uidNext)}\n`);
      await rename(tmp, file);
      return first;
    } catch (err) {
      this.opts.log.warn({ err }, 'storage: cannot update the recent file');
      return memoryFirst;
    } finally {
      await lock.release();
    }
  }

  private async merge(state: MailboxIndexState, scan: BackendState): Promise<boolean> {
    let changed = false;
    const present = new Set<number>();
    const fresh: BackendState['messages'] = [];
    for (const m of scan.messages) {
      present.add(m.uid);
      const old = state.messages.get(m.uid);
      if (!old) {
        fresh.push(m);
      } else if (!sameFlags(old, m.flags, m.keywords)) {
        old.flags = m.flags;
        old.keywords = m.keywords;
        old.modseq = ++state.highestModseq;
        changed = true;
      }
    }
    // Messages new to the index: their date (and size, unless the name tells it) are read from
    // disk, a bounded number at a time.
    const described = new Map<number, { internalDate: number; size: number }>();
    let next = 0;
    const worker = async () => {
      while (next < fresh.length) {
        const m = fresh[next++];
        try {
          const d = await this.backend.describe(m.uid, m.size === null);
          const size = m.size ?? d.size;
          if (size === null) throw new MailError('Temp', `backend gave no size for message ${m.uid}`);
          described.set(m.uid, { internalDate: d.internalDate, size });
        } catch (err) {
          // Gone meanwhile: it simply is not there. Unreadable: skip it with a log line rather
          // than failing the session; it is tried again at the next refresh.
          if (!(err instanceof MailError)) throw err;
          if (err.code !== 'Expunged') this.opts.log.warn({ uid: m.uid, code: err.code, reason: err.message }, 'storage: message skipped');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.ioConcurrency ?? 16, fresh.length) }, worker));
    for (const m of fresh) {
      const d = described.get(m.uid);
      if (!d) {
        present.delete(m.uid);
        continue;
      }
      state.messages.set(m.uid, { uid: m.uid, size: d.size, internalDate: d.internalDate, flags: m.flags, keywords: m.keywords, modseq: ++state.highestModseq });
      changed = true;
    }
    for (const uid of [...state.messages.keys()]) {
      if (present.has(uid)) continue;
      state.messages.delete(uid);
      state.expunged.push([uid, ++state.highestModseq]);
      changed = true;
    }
    if (state.expunged.length > this.opts.maxExpungedRemembered) {
      state.expunged.splice(0, state.expunged.length - this.opts.maxExpungedRemembered);
    }
    this.uids = [...present].sort((a, b) => a - b);
    if (changed && this.cache) await this.cache.prune((u) => present.has(u), state.uidValidity);
    return changed;
  }

  /** Record expunged UIDs in the index with new MODSEQs (bounded list). Call inside exclusive(). */
  noteExpunged(uids: readonly number[]): void {
    const state = this.state;
    if (!state) return;
    for (const uid of uids) {
      if (!state.messages.delete(uid)) continue;
      state.expunged.push([uid, ++state.highestModseq]);
    }
    if (state.expunged.length > this.opts.maxExpungedRemembered) {
      state.expunged.splice(0, state.expunged.length - this.opts.maxExpungedRemembered);
    }
  }

  /** Apply flag changes through the backend and record them. Call inside exclusive(). */
  async applyFlags(changes: BackendFlagChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.backend.updateFlags(changes);
  }

  async save(): Promise<void> {
    if (!this.state) return;
    try {
      await this.indexFile.save(this.state);
    } catch (err) {
      // The index is an accelerator: failing to write it costs speed, not mail.
      this.opts.log.warn({ err, dir: this.backend.indexDir }, 'storage: could not write the index');
    }
  }

  /** The raw bytes of a message. */
  openRaw(uid: number): Promise<Readable> {
    return this.backend.openRaw(uid);
  }
}
