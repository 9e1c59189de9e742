// inboxd.index: what the shared layer remembers of one mailbox between opens, so that a reopen
// reads no message file: per UID its CRLF size, internal date, flags, keywords and MODSEQ; the
// mailbox's highest MODSEQ; the first UID not yet claimed as \Recent; and the UIDs expunged
// recently with their MODSEQs (bounded) for "changed since MODSEQ n" questions later.
//
// A base file (one JSON document with a random id, written to a temp file and renamed) plus a
// journal `inboxd.index.log` of JSON lines, each carrying the base id and the entries changed
// since the previous save. Every change bumps the highest MODSEQ, so "entries with a MODSEQ above
// the last saved one" is exactly what a journal line must hold. The base is rewritten (and the
// journal emptied) when the journal grows past a fraction of the base. Journal lines of another
// base id or that do not parse are ignored. It is only an accelerator: a missing or corrupt
// index, or one for another UIDVALIDITY, is rebuilt from the mailbox (sizes are then recomputed
// from the messages; no mail and no UID is lost).

import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Flags } from '../types.js';

/** What the index keeps of one message. */
export interface IndexedMessage {
  uid: number;
  size: number;
  internalDate: number;
  flags: Flags;
  keywords: string[];
  modseq: number;
}

/** The index state of one mailbox. */
export interface MailboxIndexState {
  uidValidity: number;
  highestModseq: number;
  /** Messages with a UID >= this have not been seen as \Recent by any session yet. */
  firstRecentUid: number;
  messages: Map<number, IndexedMessage>;
  /** [uid, modseq] of expunged messages, oldest first. */
  expunged: [number, number][];
}

export const INDEX_FILE = 'inboxd.index';
export const INDEX_JOURNAL = 'inboxd.index.log';
const VERSION = 1;

const FLAG_BITS: (keyof Flags)[] = ['seen', 'answered', 'flagged', 'deleted', 'draft'];

function flagsToBits(f: Flags): number {
  return FLAG_BITS.reduce((n, k, i) => (f[k] ? n | (1 << i) : n), 0);
}

function bitsToFlags(n: number): Flags {
  return { seen: !!(n & 1), answered: !!(n & 2), flagged: !!(n & 4), deleted: !!(n & 8), draft: !!(n & 16) };
}

/** An empty state for a UIDVALIDITY. */
export function emptyIndexState(uidValidity: number): MailboxIndexState {
  return { uidValidity, highestModseq: 1, firstRecentUid: 1, messages: new Map(), expunged: [] };
}

type Row = [number, number, number, number, number, string[]];

function toRow(x: IndexedMessage): Row {
  return [x.uid, x.size, x.internalDate, flagsToBits(x.flags), x.modseq, x.keywords];
}

function fromRow(row: unknown): IndexedMessage | null {
  if (!Array.isArray(row) || row.length !== 6) return null;
  const [uid, size, internalDate, bits, modseq, keywords] = row as Row;
  if (![uid, size, internalDate, bits, modseq].every(Number.isSafeInteger) || !Array.isArray(keywords)) return null;
  if (!keywords.every((k) => typeof k === 'string')) return null;
  return { uid, size, internalDate, flags: bitsToFlags(bits), keywords, modseq };
}

function isPairList(x: unknown): x is [number, number][] {
  return Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && Number.isSafeInteger(p[0]) && Number.isSafeInteger(p[1]));
}

/** The index files of one mailbox: loads base + journal, saves deltas or a new base. */
export class IndexFile {
  private baseId = '';
  private baseUidValidity = 0;
  private baseEntries = 0;
  private journalEntries = 0;
  private savedModseq = 0;
  private savedRecent = 0;

  constructor(private readonly dir: string) {}

  /** The state saved so far; null when missing, corrupt or of another version. */
  async load(): Promise<MailboxIndexState | null> {
    let doc: { v: number; id: string; uidValidity: number; highestModseq: number; firstRecentUid: number; m: unknown[]; x: unknown };
    try {
      doc = JSON.parse(await readFile(join(this.dir, INDEX_FILE), 'utf8'));
    } catch {
      return null;
    }
    if (typeof doc !== 'object' || doc === null || doc.v !== VERSION || !Number.isSafeInteger(doc.uidValidity)) return null;
    if (!Number.isSafeInteger(doc.highestModseq) || !Number.isSafeInteger(doc.firstRecentUid) || !Array.isArray(doc.m) || !isPairList(doc.x)) return null;
    const state = emptyIndexState(doc.uidValidity);
    state.highestModseq = doc.highestModseq;
    state.firstRecentUid = doc.firstRecentUid;
    state.expunged = doc.x;
    for (const row of doc.m) {
      const m = fromRow(row);
      if (!m) return null;
      state.messages.set(m.uid, m);
    }
    const journal = await readFile(join(this.dir, INDEX_JOURNAL), 'utf8').catch(() => '');
    let entries = 0;
    for (const line of journal.split('\n')) {
      if (line === '') continue;
      let j: { g?: unknown; h?: unknown; r?: unknown; m?: unknown; x?: unknown };
      try {
        j = JSON.parse(line);
      } catch {
        continue;
      }
      if (j.g !== doc.id || !Number.isSafeInteger(j.h) || !Number.isSafeInteger(j.r) || !Array.isArray(j.m) || !isPairList(j.x)) continue;
      const rows = j.m.map(fromRow);
      if (rows.some((r) => r === null)) continue;
      for (const r of rows) state.messages.set(r!.uid, r!);
      for (const [uid, modseq] of j.x) {
        state.messages.delete(uid);
        state.expunged.push([uid, modseq]);
      }
      state.highestModseq = Math.max(state.highestModseq, j.h as number);
      state.firstRecentUid = j.r as number;
      entries += rows.length + j.x.length + 1;
    }
    this.baseId = doc.id;
    this.baseUidValidity = doc.uidValidity;
    this.baseEntries = doc.m.length;
    this.journalEntries = entries;
    this.savedModseq = state.highestModseq;
    this.savedRecent = state.firstRecentUid;
    return state;
  }

  /** Save what changed since the last save (or a new base when that is due). */
  async save(state: MailboxIndexState): Promise<void> {
    const compactDue = this.journalEntries > Math.max(256, this.baseEntries / 4);
    if (!this.baseId || state.uidValidity !== this.baseUidValidity || state.highestModseq < this.savedModseq || compactDue) {
      return this.saveBase(state);
    }
    if (state.highestModseq === this.savedModseq && state.firstRecentUid === this.savedRecent) return;
    const m = [...state.messages.values()].filter((x) => x.modseq > this.savedModseq).map(toRow);
    const x = state.expunged.filter(([, modseq]) => modseq > this.savedModseq);
    await appendFile(join(this.dir, INDEX_JOURNAL), JSON.stringify({ g: this.baseId, h: state.highestModseq, r: state.firstRecentUid, m, x }) + '\n');
    this.journalEntries += m.length + x.length + 1;
    this.savedModseq = state.highestModseq;
    this.savedRecent = state.firstRecentUid;
  }

  /** Write a new base atomically (temp file + rename) and empty the journal. */
  async saveBase(state: MailboxIndexState): Promise<void> {
    const id = randomBytes(8).toString('hex');
    const m = [...state.messages.values()].map(toRow);
    const doc = { v: VERSION, id, uidValidity: state.uidValidity, highestModseq: state.highestModseq, firstRecentUid: state.firstRecentUid, m, x: state.expunged };
    const tmp = join(this.dir, `${INDEX_FILE}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify(doc));
    await rename(tmp, join(this.dir, INDEX_FILE));
    await writeFile(join(this.dir, INDEX_JOURNAL), '');
    this.baseId = id;
    this.baseUidValidity = state.uidValidity;
    this.baseEntries = m.length;
    this.journalEntries = 0;
    this.savedModseq = state.highestModseq;
    this.savedRecent = state.firstRecentUid;
  }
}

/** Load the index (base and journal) of a directory; null when missing or unusable. */
export function loadIndexState(dir: string): Promise<MailboxIndexState | null> {
  return new IndexFile(dir).load();
}

/** Write a complete index (a new base, empty journal). */
export function saveIndexState(dir: string, state: MailboxIndexState): Promise<void> {
  return new IndexFile(dir).saveBase(state);
}
