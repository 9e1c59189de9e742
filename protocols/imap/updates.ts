// Untagged updates (RFC 3501 §5.2, §7.3.1, §7.4.1): the client's view of the selected mailbox.
//
// Design. The storage snapshot (Mailbox.messages) changes at every sync(); the client's idea of
// sequence numbers may lag behind it, because an EXPUNGE must not be sent during FETCH, STORE or
// SEARCH (non-UID forms): the client would misnumber the rest of that command's replies. So the
// session keeps its own list of UIDs, in the order the client numbers them. A sync result is
// folded in like this:
//   - expunged UIDs become "pending": they keep their sequence number until expunges may be sent;
//     then one `* n EXPUNGE` per pending message goes out in descending order of n (so every n is
//     right at the moment the client reads it) and they leave the view;
//   - flag changes become `* n FETCH (FLAGS (…))`, skipped for pending messages and for messages
//     whose current flags the running command already reported;
//   - added messages are appended to the view, then `* n EXISTS` and `* r RECENT`. EXISTS may be
//     sent at any time: pending messages still count, so the number stays consistent;
//   - a keyword the client has not seen yet (another session's STORE, a delivery) first brings a
//     new `* FLAGS` and `* OK [PERMANENTFLAGS]` (RFC 3501 §7.2.6), before any FETCH that uses it.
import type { Flags, Mailbox, MessageInfo, SyncResult } from '../../storage/types.js';
import { flagList, untagged, untaggedStatus } from './encode/index.js';
import { resolveRanges } from './parser/index.js';
import type { SeqRange } from './parser/index.js';

const SYSTEM_WORDS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** `* FLAGS (…)` and `* OK [PERMANENTFLAGS (…)]` for a mailbox with these keywords (SELECT, updates). */
export function flagsLines(keywords: Iterable<string>, readOnly: boolean): Buffer[] {
  const kw = [...keywords];
  const permanent = readOnly ? flagList([]) : flagList([...SYSTEM_WORDS, ...kw, '\\*']);
  return [
    untagged('FLAGS', flagList([...SYSTEM_WORDS, ...kw])),
    untaggedStatus('OK', readOnly ? 'No permanent flags permitted' : 'Flags permitted', { name: 'PERMANENTFLAGS', args: [permanent] }),
  ];
}

const SYSTEM: ReadonlyArray<[keyof Flags, string]> = [
  ['seen', '\\Seen'],
  ['answered', '\\Answered'],
  ['flagged', '\\Flagged'],
  ['deleted', '\\Deleted'],
  ['draft', '\\Draft'],
];

/** IMAP flag words of a message: system flags, keywords, and \Recent when `recent`. */
export function flagNames(flags: Flags, keywords: readonly string[], recent = false): string[] {
  const out: string[] = [];
  for (const [key, word] of SYSTEM) if (flags[key]) out.push(word);
  if (recent) out.push('\\Recent');
  out.push(...keywords);
  return out;
}

/** `* n FETCH (FLAGS (…))` for one message (with `UID u` first when `withUid`). */
export function fetchFlagsLine(seq: number, info: MessageInfo, withUid: boolean): Buffer {
  const flags = flagList(flagNames(info.flags, info.keywords, info.recent));
  const items = withUid ? Buffer.concat([Buffer.from(`(UID ${info.uid} FLAGS `), flags, Buffer.from(')')]) : Buffer.concat([Buffer.from('(FLAGS '), flags, Buffer.from(')')]);
  return untagged(seq, 'FETCH', items);
}

function signature(flags: Flags, keywords: readonly string[]): string {
  return flagNames(flags, keywords).join(' ');
}

/** The client's numbering of the selected mailbox; see the design comment above. */
export class ClientView {
  private list: number[];
  private index = new Map<number, number>();
  private readonly pending = new Set<number>();
  private readonly reported = new Map<number, string>();
  private readonly keywords: Set<string>;

  /** `initial`: UIDs in order; `keywords`: those announced by SELECT's FLAGS. */
  constructor(
    initial: readonly number[],
    keywords: Iterable<string> = [],
    private readonly readOnly = false,
  ) {
    this.list = [...initial];
    this.keywords = new Set(keywords);
    this.reindex();
  }

  private reindex(): void {
    this.index = new Map(this.list.map((uid, i) => [uid, i + 1]));
  }

  /** UIDs in sequence order. */
  get uids(): readonly number[] {
    return this.list;
  }

  /** The message count the client knows (EXISTS). */
  get exists(): number {
    return this.list.length;
  }

  /**
   * Sequence-number ranges to UIDs in ascending order (`*` is the last message); null when a
   * number is above the message count (the caller answers BAD).
   */
  resolveSequence(ranges: readonly SeqRange[]): number[] | null {
    const n = this.list.length;
    for (const r of ranges) if ((r.from !== '*' && r.from > n) || (r.to !== '*' && r.to > n)) return null;
    const out: number[] = [];
    for (const [lo, hi] of resolveRanges(ranges, n)) for (let s = lo; s <= Math.min(hi, n); s++) out.push(this.list[s - 1]);
    return out;
  }

  /** UID ranges to the UIDs of the view they cover, ascending (`*` is the highest UID); others are left out. */
  resolveUids(ranges: readonly SeqRange[]): number[] {
    const pairs = resolveRanges(ranges, this.list.length > 0 ? this.list[this.list.length - 1] : 0);
    const out: number[] = [];
    let p = 0;
    for (const uid of this.list) {
      while (p < pairs.length && pairs[p][1] < uid) p++;
      if (p >= pairs.length) break;
      if (uid >= pairs[p][0]) out.push(uid);
    }
    return out;
  }

  /** Sequence number of a UID, 0 if not in the view. */
  seqOf(uid: number): number {
    return this.index.get(uid) ?? 0;
  }

  /** True when the message is gone from storage but the client was not told yet. */
  isPending(uid: number): boolean {
    return this.pending.has(uid);
  }

  /** The client has been told these flags of `uid` during the running command. */
  noteReported(uid: number, flags: Flags, keywords: readonly string[]): void {
    this.reported.set(uid, signature(flags, keywords));
  }

  /** Forget what the finished command reported. */
  endCommand(): void {
    this.reported.clear();
  }

  /** Folds a sync result into the view; returns the untagged lines to send, in order. */
  apply(result: SyncResult, mailbox: Mailbox, options: { allowExpunge: boolean; withUid: boolean; skipFlags?: ReadonlySet<number> }): Buffer[] {
    const out: Buffer[] = [];
    for (const uid of result.expunged) if (this.index.has(uid)) this.pending.add(uid);
    if (options.allowExpunge) out.push(...this.flushExpunges());
    let newKeyword = false;
    for (const info of [...result.flagsChanged.map((uid) => mailbox.byUid(uid)), ...result.added]) {
      for (const k of info?.keywords ?? []) {
        if (!this.keywords.has(k)) {
          this.keywords.add(k);
          newKeyword = true;
        }
      }
    }
    if (newKeyword) out.push(...flagsLines(this.keywords, this.readOnly));
    for (const uid of result.flagsChanged) {
      const seq = this.seqOf(uid);
      const info = mailbox.byUid(uid);
      if (seq === 0 || !info || this.pending.has(uid) || options.skipFlags?.has(uid)) continue;
      if (this.reported.get(uid) === signature(info.flags, info.keywords)) continue;
      out.push(fetchFlagsLine(seq, info, options.withUid));
    }
    if (result.added.length > 0) {
      for (const m of result.added) {
        if (this.index.has(m.uid)) continue;
        this.list.push(m.uid);
        this.index.set(m.uid, this.list.length);
      }
      out.push(untagged(this.list.length, 'EXISTS'));
      out.push(untagged(countRecent(mailbox), 'RECENT'));
    }
    return out;
  }

  /** `* n EXPUNGE` for every pending message, highest n first; they leave the view. */
  flushExpunges(): Buffer[] {
    if (this.pending.size === 0) return [];
    const seqs = [...this.pending].map((uid) => this.seqOf(uid)).filter((n) => n > 0).sort((a, b) => b - a);
    this.list = this.list.filter((uid) => !this.pending.has(uid));
    this.pending.clear();
    this.reindex();
    return seqs.map((n) => untagged(n, 'EXPUNGE'));
  }
}

/** How many messages of the snapshot are \Recent for this session. */
export function countRecent(mailbox: Mailbox): number {
  let n = 0;
  for (const m of mailbox.messages) if (m.recent) n++;
  return n;
}
