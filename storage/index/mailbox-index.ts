// inboxd.index: what the shared layer remembers of one mailbox between opens, so that a reopen
// reads no message file: per UID its CRLF size, internal date, flags, keywords and MODSEQ; the
// mailbox's highest MODSEQ; the first UID not yet claimed as \Recent; and the UIDs expunged
// recently with their MODSEQs (bounded) for "changed since MODSEQ n" questions later.
//
// One JSON document, written to a temp file and renamed. It is only an accelerator: a missing
// or corrupt file, or one for another UIDVALIDITY, is discarded and rebuilt from the mailbox
// (sizes are then recomputed from the messages; no mail and no UID is lost).

import { readFile, rename, writeFile } from 'node:fs/promises';
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

/** Load the index from a directory; null when missing, corrupt or of another version. */
export async function loadIndexState(dir: string): Promise<MailboxIndexState | null> {
  let text: string;
  try {
    text = await readFile(join(dir, INDEX_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const doc = JSON.parse(text) as {
      v: number;
      uidValidity: number;
      highestModseq: number;
      firstRecentUid: number;
      m: [number, number, number, number, number, string[]][];
      x: [number, number][];
    };
    if (doc.v !== VERSION || !Number.isSafeInteger(doc.uidValidity) || !Array.isArray(doc.m) || !Array.isArray(doc.x)) return null;
    const messages = new Map<number, IndexedMessage>();
    for (const [uid, size, internalDate, bits, modseq, keywords] of doc.m) {
      if (![uid, size, internalDate, bits, modseq].every(Number.isSafeInteger) || !Array.isArray(keywords)) return null;
      messages.set(uid, { uid, size, internalDate, flags: bitsToFlags(bits), keywords, modseq });
    }
    return { uidValidity: doc.uidValidity, highestModseq: doc.highestModseq, firstRecentUid: doc.firstRecentUid, messages, expunged: doc.x };
  } catch {
    return null;
  }
}

/** Write the index atomically (temp file + rename). */
export async function saveIndexState(dir: string, state: MailboxIndexState): Promise<void> {
  const m = [...state.messages.values()].map((x) => [x.uid, x.size, x.internalDate, flagsToBits(x.flags), x.modseq, x.keywords]);
  const doc = { v: VERSION, uidValidity: state.uidValidity, highestModseq: state.highestModseq, firstRecentUid: state.firstRecentUid, m, x: state.expunged };
  const tmp = join(dir, `${INDEX_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, JSON.stringify(doc));
  await rename(tmp, join(dir, INDEX_FILE));
}
