// The Maildir backend of one mailbox (a Maildir directory with cur/, new/, tmp/).
//
// UID assignment: a scan lists new/ then cur/ (a file moved between the two listings is then
// seen in cur/; duplicates prefer cur/), matches file bases against dovecot-uidlist, and gives
// files without a record the next UIDs, in file name order, under the uidlist lock after
// re-reading the uidlist, exactly as Dovecot does. A file whose record exists but whose file is
// gone was expunged by someone else. new/ files are moved to cur/ (`:2,` added) by read-write
// scans. Flags live in the file name and change by rename(); a rename or read that finds the
// file gone re-lists the directories once to find it under its new name.

import { createReadStream } from 'node:fs';
import { link, lstat, open, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../../src/log.js';
import { crlfSize } from '../message/crlf.js';
import { MailError, hasErrno, mailErrorFromSystem } from '../errors.js';
import type { BackendAppend, BackendFlagChange, BackendMessage, BackendState, MailboxBackend } from '../types.js';
import { decodeLetters, encodeLetters, formatMaildirName, parseMaildirName } from './filename.js';
import type { MaildirName } from './filename.js';
import { KeywordMap } from './keywords.js';
import type { MaildirQuota } from './quota.js';
import { lockUidlist, newGuid, readUidlist } from './uidlist.js';
import { crlfLength, maildirReadStats, uniqueBaseName } from './files.js';
import { waitForDirChange } from './watch.js';
import type { Uidlist, UidlistLockOptions } from './uidlist.js';

/** Options of a Maildir mailbox backend; every limit is a parameter. */
export interface MaildirBackendOptions {
  log: Logger;
  /** Where the shared layer keeps its index (defaults to the Maildir itself). */
  indexDir?: string;
  uidlistLock: UidlistLockOptions;
  /** Files in tmp/ older than this are removed (36 hours in the Maildir spec). */
  tmpStaleMs: number;
  /** Interval of the stat polling fallback of waitForChange. */
  pollMs: number;
  /** Use fs.watch (inotify) besides polling; false for file systems where it sees nothing (NFS). */
  watch?: boolean;
  quota?: MaildirQuota;
  /** Gives a fresh UIDVALIDITY for a mailbox without a uidlist. */
  newUidValidity: () => number;
  now: () => number;
}

interface FileEntry {
  sub: 'new' | 'cur';
  name: string;
  parsed: MaildirName;
}

/** Messages up to this size are read in one piece to learn their CRLF size. */
const SMALL_MESSAGE = 1 << 20;

/** One Maildir mailbox. */
export class MaildirMailboxBackend implements MailboxBackend {
  readonly indexDir: string;
  private files = new Map<string, FileEntry>();
  private uidToBase = new Map<number, string>();
  private keywords: KeywordMap | null = null;
  private uidlist: Uidlist | null = null;
  private uidlistStamp = '';
  private tmpCleaned = false;

  constructor(
    readonly dir: string,
    private readonly opts: MaildirBackendOptions,
  ) {
    this.indexDir = opts.indexDir ?? dir;
  }

  private async listDirs(): Promise<void> {
    const files = new Map<string, FileEntry>();
    for (const sub of ['new', 'cur'] as const) {
      let entries;
      try {
        entries = await readdir(join(this.dir, sub), { withFileTypes: true });
      } catch (err) {
        if (hasErrno(err, 'ENOENT')) throw new MailError('NotFound', 'mailbox does not exist');
        throw mailErrorFromSystem(err, 'mailbox');
      }
      for (const e of entries) {
        let regular = e.isFile();
        const known = regular || e.isDirectory() || e.isSymbolicLink() || e.isFIFO() || e.isSocket() || e.isBlockDevice() || e.isCharacterDevice();
        if (!known) {
          // File systems without d_type (some NFS, old XFS): ask lstat.
          regular = (await lstat(join(this.dir, sub, e.name)).catch(() => null))?.isFile() ?? false;
        }
        if (!regular) {
          this.opts.log.warn({ dir: sub, file: e.name }, 'maildir: entry that is not a regular file skipped');
          continue;
        }
        const parsed = parseMaildirName(e.name);
        if (!parsed) {
          if (!e.name.startsWith('.')) this.opts.log.warn({ dir: sub, file: e.name }, 'maildir: oddly named file skipped');
          continue;
        }
        files.set(parsed.base, { sub, name: e.name, parsed });
      }
    }
    this.files = files;
  }

  private async cleanTmp(): Promise<void> {
    if (this.tmpCleaned) return;
    this.tmpCleaned = true;
    const tmp = join(this.dir, 'tmp');
    const names = await readdir(tmp).catch(() => [] as string[]);
    const limit = this.opts.now() - this.opts.tmpStaleMs;
    for (const n of names) {
      try {
        const st = await stat(join(tmp, n));
        if (st.isFile() && st.mtimeMs < limit && st.atimeMs < limit) {
          await unlink(join(tmp, n));
          this.opts.log.info({ file: n }, 'maildir: stale tmp file removed');
        }
      } catch {
        // Gone meanwhile or unreadable: nothing to clean.
      }
    }
  }

  private async loadUidlist(): Promise<Uidlist | null> {
    let stamp = '';
    try {
      const st = await stat(join(this.dir, 'dovecot-uidlist'));
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw mailErrorFromSystem(err, 'uidlist');
    }
    if (stamp !== '' && stamp === this.uidlistStamp && this.uidlist) return this.uidlist;
    let list: Uidlist | null;
    try {
      list = await readUidlist(this.dir);
    } catch (err) {
      if (err instanceof MailError && err.code === 'Corrupt') {
        this.opts.log.warn({ dir: this.dir }, 'maildir: corrupt dovecot-uidlist, UIDs will be reassigned');
        list = null;
      } else throw err;
    }
    this.uidlist = list;
    this.uidlistStamp = stamp;
    return list;
  }

  private async keywordMap(): Promise<KeywordMap> {
    if (!this.keywords) this.keywords = await KeywordMap.load(this.dir);
    return this.keywords;
  }

  /** Give UIDs to files without a record (under the lock); `extra` are bases that must get one. */
  private async assignUids(extra: readonly string[] = []): Promise<Uidlist> {
    const lock = await lockUidlist(this.dir, this.opts.uidlistLock);
    try {
      this.uidlistStamp = '';
      const current = await this.loadUidlist();
      // Re-list under the lock: a record is dropped only if its file is really gone now.
      await this.listDirs();
      const list: Uidlist = current ?? { uidValidity: this.opts.newUidValidity(), nextUid: 1, guid: newGuid(), records: [] };
      const known = new Set(list.records.map((r) => r.base));
      // Files found on disk get UIDs in name order (as Dovecot does), then our own new files in
      // the order they were given (so a multi-message append keeps its order).
      const ours = new Set(extra);
      const missing = [...this.files.keys()].filter((b) => !known.has(b) && !ours.has(b)).sort();
      for (const b of extra) if (!known.has(b)) missing.push(b);
      if (missing.length === 0 && current) {
        await lock.release();
        return current;
      }
      // Rewrite: keep records of files that exist (or that we could not see), add the new ones.
      const records = list.records.filter((r) => this.files.has(r.base));
      let next = list.nextUid;
      for (const base of missing) {
        const f = this.files.get(base);
        records.push({ uid: next++, ext: [], name: f ? f.name : base, base });
      }
      const updated: Uidlist = { ...list, nextUid: next, records };
      await lock.write(updated);
      this.uidlist = updated;
      this.uidlistStamp = '';
      return updated;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** ino+mtime of new/ and cur/, and whether they changed too recently to be trusted. */
  private async dirStamp(): Promise<{ stamp: string; fresh: boolean }> {
    const parts: string[] = [];
    let fresh = false;
    const now = Date.now();
    for (const sub of ['new', 'cur']) {
      const st = await stat(join(this.dir, sub), { bigint: true }).catch(() => null);
      if (!st) return { stamp: '-', fresh: true };
      parts.push(`${st.ino}:${st.mtimeNs}`);
      // A directory changed within the last 2 s may change again within the same timestamp tick.
      if (now - Number(st.mtimeMs) < 2000) fresh = true;
    }
    return { stamp: parts.join('|'), fresh };
  }

  async scan(options: { claimNew: boolean }): Promise<BackendState> {
    if (options.claimNew) await this.cleanTmp();
    // Nothing changed since the last scan (directories and uidlist untouched): reuse it, so an
    // idle session's sync of a big mailbox costs three stat() calls, not a directory listing.
    const before = await this.dirStamp();
    this.scanStartStamp = before.stamp;
    const uidlistBefore = this.uidlistStamp;
    if (this.lastScan && !before.fresh && before.stamp === this.lastScanStamp && !(options.claimNew && this.lastScanHadNew)) {
      await this.loadUidlist();
      if (this.uidlistStamp === uidlistBefore && this.uidlistStamp !== '') return this.lastScan;
    }
    this.lastScan = null;
    const result = await this.fullScan(options);
    const after = await this.dirStamp();
    if (!after.fresh && after.stamp === before.stamp) {
      this.lastScan = result;
      this.lastScanStamp = after.stamp;
      this.lastScanHadNew = [...this.files.values()].some((f) => f.sub === 'new');
    }
    return result;
  }

  private lastScan: BackendState | null = null;
  private scanStartStamp: string | null = null;
  private lastScanStamp = '';
  private lastScanHadNew = false;

  private async fullScan(options: { claimNew: boolean }): Promise<BackendState> {
    await this.listDirs();
    if (options.claimNew) await this.moveNewToCur();
    let list = await this.loadUidlist();
    if (!list || [...this.files.keys()].some((b) => !this.recordKnown(b))) list = await this.assignUids();
    const kw = await this.keywordMap();
    this.uidToBase = new Map();
    const messages: BackendMessage[] = [];
    for (const r of list.records) {
      const f = this.files.get(r.base);
      if (!f) continue;
      this.uidToBase.set(r.uid, r.base);
      const { flags, keywordIndexes } = decodeLetters(f.parsed.letters);
      const keywords = keywordIndexes.map((i) => kw.name(i)).filter((k): k is string => k !== undefined);
      messages.push({ uid: r.uid, flags, keywords: keywords.sort(), size: f.parsed.vsize, key: r.base });
    }
    return { uidValidity: list.uidValidity, uidNext: list.nextUid, messages };
  }

  private knownBases: Set<string> | null = null;
  private knownFor: Uidlist | null = null;

  private recordKnown(base: string): boolean {
    if (this.knownFor !== this.uidlist || !this.knownBases) {
      this.knownBases = new Set((this.uidlist?.records ?? []).map((r) => r.base));
      this.knownFor = this.uidlist;
    }
    return this.knownBases.has(base);
  }

  private async moveNewToCur(): Promise<void> {
    let lost = false;
    for (const [base, f] of this.files) {
      if (f.sub !== 'new') continue;
      const name = f.parsed.hasInfo || f.parsed.otherInfo !== null ? f.name : formatMaildirName(f.parsed, '');
      try {
        await rename(join(this.dir, 'new', f.name), join(this.dir, 'cur', name));
        this.files.set(base, { sub: 'cur', name, parsed: parseMaildirName(name) as MaildirName });
      } catch (err) {
        if (!hasErrno(err, 'ENOENT')) throw mailErrorFromSystem(err, 'maildir new/ to cur/');
        // Someone else moved it: it is in cur/ under some name.
        lost = true;
      }
    }
    // List again rather than report a message another reader just moved as expunged.
    if (lost) await this.listDirs();
  }

  /** Path of a message, re-listing once if the cached name is stale; null when gone. */
  private async locate(uid: number, refresh: boolean): Promise<FileEntry | null> {
    const base = this.uidToBase.get(uid);
    if (base === undefined) return null;
    if (refresh) await this.listDirs();
    return this.files.get(base) ?? null;
  }

  private async withFile<T>(uid: number, fn: (path: string, f: FileEntry) => Promise<T>): Promise<T | null> {
    for (const refresh of [false, true]) {
      const f = await this.locate(uid, refresh);
      if (!f) return null;
      try {
        return await fn(join(this.dir, f.sub, f.name), f);
      } catch (err) {
        if (!hasErrno(err, 'ENOENT')) throw mailErrorFromSystem(err, 'message');
      }
    }
    return null;
  }

  async describe(uid: number, wantSize: boolean): Promise<{ internalDate: number; size: number | null }> {
    const r = await this.withFile(uid, async (p) => {
      if (!wantSize) return { internalDate: Math.floor((await stat(p)).mtimeMs), size: null };
      const fh = await open(p, 'r');
      maildirReadStats.messageOpens++;
      try {
        const st = await fh.stat();
        const internalDate = Math.floor(st.mtimeMs);
        if (st.size <= SMALL_MESSAGE) return { internalDate, size: crlfLength(await fh.readFile()) };
        const size = await crlfSize(fh.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>);
        return { internalDate, size };
      } finally {
        await fh.close();
      }
    });
    if (r === null) throw new MailError('Expunged', `message ${uid} was expunged`);
    return r;
  }

  async openRaw(uid: number): Promise<Readable> {
    const fh = await this.withFile(uid, (p) => open(p, 'r'));
    if (fh === null) throw new MailError('Expunged', `message ${uid} was expunged`);
    maildirReadStats.messageOpens++;
    return createReadStream('', { fd: fh, autoClose: true });
  }

  async updateFlags(changes: readonly BackendFlagChange[]): Promise<void> {
    this.lastScan = null;
    const kw = await this.keywordMap();
    const all = [...new Set(changes.flatMap((c) => c.keywords))];
    const overflow = await kw.ensure(all);
    if (overflow.length > 0) this.opts.log.warn({ keywords: overflow }, 'maildir: more than 26 keywords, extra ones not stored');
    for (const c of changes) {
      await this.withFile(c.uid, async (path, f) => {
        const letters = encodeLetters(f.parsed.letters, c.flags, kw.indexesOf(c.keywords));
        const name = formatMaildirName(f.parsed, letters);
        if (name === f.name && f.sub === 'cur') return;
        await rename(path, join(this.dir, 'cur', name));
        this.files.set(f.parsed.base, { sub: 'cur', name, parsed: parseMaildirName(name) as MaildirName });
      });
    }
  }

  async expunge(uids: readonly number[]): Promise<number[]> {
    this.lastScan = null;
    const done: number[] = [];
    let bytes = 0;
    for (const uid of uids) {
      const r = await this.withFile(uid, async (path, f) => {
        await unlink(path);
        this.files.delete(f.parsed.base);
        bytes += f.parsed.size ?? f.parsed.vsize ?? 0;
        return true;
      });
      if (r) done.push(uid);
    }
    await this.opts.quota?.update(-bytes, -done.length);
    return done;
  }

  /** Write a message to tmp/ and move it into new/ or cur/; returns its base name. */
  private async deliver(item: BackendAppend, kw: KeywordMap): Promise<string> {
    const base = uniqueBaseName(this.opts.now(), item.data.length, crlfLength(item.data));
    const tmpPath = join(this.dir, 'tmp', base);
    const fh = await open(tmpPath, 'wx', 0o600);
    try {
      await fh.writeFile(item.data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const when = new Date(item.internalDate);
    await utimes(tmpPath, when, when);
    const letters = encodeLetters('', item.flags, kw.indexesOf(item.keywords));
    const anyFlag = letters !== '';
    const name = anyFlag ? formatMaildirName(parseMaildirName(base) as MaildirName, letters) : base;
    await link(tmpPath, join(this.dir, anyFlag ? 'cur' : 'new', name));
    await unlink(tmpPath);
    this.files.set(base, { sub: anyFlag ? 'cur' : 'new', name, parsed: parseMaildirName(name) as MaildirName });
    return base;
  }

  async append(items: readonly BackendAppend[]): Promise<number[]> {
    this.lastScan = null;
    const total = items.reduce((n, i) => n + i.data.length, 0);
    await this.opts.quota?.check(total, items.length);
    const kw = await this.keywordMap();
    await kw.ensure([...new Set(items.flatMap((i) => i.keywords))]);
    const bases: string[] = [];
    try {
      for (const item of items) bases.push(await this.deliver(item, kw));
    } catch (err) {
      throw mailErrorFromSystem(err, 'append');
    }
    return this.recordNew(bases, total);
  }

  private async recordNew(bases: string[], bytes: number): Promise<number[]> {
    this.lastScan = null;
    const list = await this.assignUids(bases);
    await this.opts.quota?.update(bytes, bases.length);
    const uidOf = new Map(list.records.map((r) => [r.base, r.uid]));
    return bases.map((b) => {
      const uid = uidOf.get(b);
      if (uid === undefined) throw new MailError('Temp', 'appended message lost its UID');
      this.uidToBase.set(uid, b);
      return uid;
    });
  }

  async copyTo(uids: readonly number[], target: MailboxBackend): Promise<number[] | null> {
    if (!(target instanceof MaildirMailboxBackend)) return null;
    const srcKw = await this.keywordMap();
    const dstKw = await target.keywordMap();
    const bases: string[] = [];
    let bytes = 0;
    const sources: { path: string; f: FileEntry }[] = [];
    for (const uid of uids) {
      const r = await this.withFile(uid, async (path, f) => {
        await stat(path);
        return { path, f };
      });
      if (!r) throw new MailError('Expunged', `message ${uid} was expunged`);
      sources.push(r);
      bytes += r.f.parsed.size ?? r.f.parsed.vsize ?? 0;
    }
    await target.opts.quota?.check(bytes, sources.length);
    const names = sources.flatMap(({ f }) => decodeLetters(f.parsed.letters).keywordIndexes.map((i) => srcKw.name(i) ?? ''));
    await dstKw.ensure([...new Set(names.filter((n) => n !== ''))]);
    for (const { path, f } of sources) {
      const { flags, keywordIndexes } = decodeLetters(f.parsed.letters);
      const kws = keywordIndexes.map((i) => srcKw.name(i)).filter((k): k is string => k !== undefined);
      const size = f.parsed.size;
      const vsize = f.parsed.vsize;
      let base = uniqueBaseName(this.opts.now(), size ?? 0, vsize ?? 0);
      if (size === null || vsize === null) base = base.replace(/,S=\d+,W=\d+$/, '');
      const letters = encodeLetters(f.parsed.letters.replace(/[a-z]/g, ''), flags, dstKw.indexesOf(kws));
      const name = formatMaildirName(parseMaildirName(base) as MaildirName, letters);
      try {
        await link(path, join(target.dir, 'cur', name));
      } catch (err) {
        if (hasErrno(err, 'EXDEV', 'EPERM', 'EMLINK') && bases.length === 0) return null;
        throw mailErrorFromSystem(err, 'copy');
      }
      target.files.set(base, { sub: 'cur', name, parsed: parseMaildirName(name) as MaildirName });
      bases.push(base);
    }
    return target.recordNew(bases, bytes);
  }

  async waitForChange(signal: AbortSignal): Promise<void> {
    const stamp = async () => (await this.dirStamp()).stamp;
    // Compare with the directories as they were when the last scan began, so that a change made
    // between the session's sync and this call wakes it at once.
    const initial = this.scanStartStamp ?? (await stamp());
    const dirs = this.opts.watch === false ? [] : [join(this.dir, 'new'), join(this.dir, 'cur')];
    await waitForDirChange({ watchDirs: dirs, stamp, initial, pollMs: this.opts.pollMs, signal });
  }

  async close(): Promise<void> {
    this.files.clear();
    this.uidToBase.clear();
  }
}
