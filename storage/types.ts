// The storage API shared by the POP3 and IMAP front-ends, and the interface a backend fills in.
//
// Shaped like Dovecot's mail-storage: a MailStore per user → open(name) → a per-session Mailbox
// view → sync() → read (info, structure, content) → begin() a transaction → commit(). Everything
// is plain data in and plain data or byte streams out, so the store can later live in another
// process. No IMAP or POP3 syntax appears here.
//
// How a format plugs in (mbox next): implement a StoreLayout (where mailboxes live, create,
// delete, rename) and a MailboxBackend (scan with UID assignment, flags, bytes, append, expunge,
// change wait) and hand the layout to LayoutStore (storage/mail-store.ts) from openMailStore.
// Everything else — views, sequence numbers, \Recent, MODSEQ, the index and structure cache,
// transactions, content selection, subscriptions — is shared. The shared suite in
// test/storage/suite.ts then runs against it with a fixture like test/storage/maildir.test.ts.

import type { Readable } from 'node:stream';
import type { ParsedMessage } from './message/types.js';

export type { ParsedMessage };

/** The system flags, as plain words. */
export interface Flags {
  seen: boolean;
  answered: boolean;
  flagged: boolean;
  deleted: boolean;
  draft: boolean;
}

/** The names of the system flags. */
export type SystemFlag = keyof Flags;

/** All system flag names, in a fixed order. */
export const SYSTEM_FLAGS: readonly SystemFlag[] = ['seen', 'answered', 'flagged', 'deleted', 'draft'];

/** A set of flags and keywords to add, remove or set. */
export interface FlagUpdate {
  flags?: Partial<Flags>;
  keywords?: readonly string[];
}

/** Special-use roles of mailboxes (RFC 6154 words without backslash). */
export type SpecialUse = 'Sent' | 'Drafts' | 'Trash' | 'Junk' | 'Archive' | 'All' | 'Flagged';

/** One mailbox as listed. */
export interface MailboxListEntry {
  /** Unicode name with the store's delimiter; INBOX is always spelled `INBOX`. */
  name: string;
  delimiter: string;
  /** The mailbox cannot be opened (a hierarchy node only). */
  noselect: boolean;
  /** No children can be created under it. */
  noinferiors: boolean;
  hasChildren: boolean;
  specialUse: SpecialUse | null;
  subscribed: boolean;
}

/** Counters of one mailbox, for STATUS and POP3 STAT. */
export interface MailboxStatus {
  messages: number;
  recent: number;
  uidNext: number;
  uidValidity: number;
  unseen: number;
  /** Sum of the CRLF sizes. */
  size: number;
  highestModseq: number;
}

/** What a session knows of one message. */
export interface MessageInfo {
  uid: number;
  flags: Flags;
  /** Keywords, case kept as stored, sorted. */
  keywords: string[];
  /** Size of the CRLF-normalized message in octets. */
  size: number;
  /** The internal date (Maildir: the file's mtime), ms since the epoch. */
  internalDate: number;
  /** Modification sequence of the last flag change (or of the arrival). */
  modseq: number;
  /** \Recent for this session. */
  recent: boolean;
}

/** The result of Mailbox.sync(): what changed since the session's previous snapshot. */
export interface SyncResult {
  /** UIDs removed from the snapshot (in ascending order). */
  expunged: number[];
  /** Messages added to the end of the snapshot. */
  added: MessageInfo[];
  /** UIDs (still present) whose flags or keywords changed. */
  flagsChanged: number[];
}

/** Which bytes of a message (or of one MIME part) to read. */
export interface ContentRequest {
  /** MIME part path (IMAP numbering); omitted or [] for the whole message. */
  part?: number[];
  /**
   * full: the whole message, or the body of the given part;
   * header: the header of the message (or of the message embedded in a message/rfc822 part);
   * body: the text after that header;
   * mime: the MIME header of the given part.
   */
  what: 'full' | 'header' | 'body' | 'mime';
  /** A byte range of the selected bytes. */
  range?: { start: number; length?: number };
}

/** A message to append. */
export interface AppendRequest {
  flags?: Partial<Flags>;
  keywords?: readonly string[];
  /** ms since the epoch; default now. */
  internalDate?: number;
}

/** UIDs of copied or moved messages (source[i] became target[i]) and the target's UIDVALIDITY. */
export interface CopyResult {
  uidValidity: number;
  source: number[];
  target: number[];
}

/** The result of a commit: UIDs created by appends and copies, in request order. */
export interface CommitResult {
  uidValidity: number;
  appended: number[];
  copies: CopyResult[];
}

/** A batch of changes applied by commit(). */
export interface Transaction {
  /** add: set the given flags; remove: clear them; replace: the message gets exactly these. */
  setFlags(uids: readonly number[], mode: 'add' | 'remove' | 'replace', update: FlagUpdate): void;
  /** Expunge these UIDs, or all messages flagged deleted when omitted. */
  expunge(uids?: readonly number[]): void;
  /** Append a message given as bytes (LF or CRLF line ends) or a stream. */
  append(source: Buffer | AsyncIterable<Buffer>, request?: AppendRequest): void;
  copy(uids: readonly number[], target: string): void;
  /** Copy then expunge the sources. */
  move(uids: readonly number[], target: string): void;
  commit(): Promise<CommitResult>;
  /** Forget the changes. */
  rollback(): void;
}

/** A per-session view of one mailbox. */
export interface Mailbox {
  readonly name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly highestModseq: number;
  /** The session's snapshot, ordered by UID; sequence number n is messages[n-1]. */
  readonly messages: readonly MessageInfo[];
  /** The message with this UID in the snapshot, or undefined. */
  byUid(uid: number): MessageInfo | undefined;
  /** Sequence number (1-based) of a UID in the snapshot, or 0. */
  seqOf(uid: number): number;
  /** Bring the snapshot up to date with the mailbox (own commits and others' changes). */
  sync(): Promise<SyncResult>;
  /** Resolves when the mailbox may have changed (delivery, other sessions); rejects on abort. */
  waitForChange(signal: AbortSignal): Promise<void>;
  /** A CRLF byte stream of the requested content. Throws Expunged when the message is gone. */
  openContent(uid: number, request: ContentRequest): Promise<Readable>;
  /** The parsed structure, cached in the index. */
  structure(uid: number): Promise<ParsedMessage>;
  begin(): Transaction;
  close(): Promise<void>;
}

/** The options of MailStore.list(). */
export interface ListOptions {
  subscribedOnly?: boolean;
}

/** All mailboxes of one user. */
export interface MailStore {
  readonly delimiter: string;
  list(options?: ListOptions): Promise<MailboxListEntry[]>;
  create(name: string, options?: { specialUse?: SpecialUse }): Promise<void>;
  delete(name: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  subscribe(name: string): Promise<void>;
  unsubscribe(name: string): Promise<void>;
  status(name: string): Promise<MailboxStatus>;
  open(name: string, options?: { readOnly?: boolean }): Promise<Mailbox>;
  close(): Promise<void>;
}

/* ------------------------------------------------------------------------------------------ */
/* The backend interface: only what is format-specific.                                        */
/* ------------------------------------------------------------------------------------------ */

/** One message as the backend sees it on disk. */
export interface BackendMessage {
  uid: number;
  flags: Flags;
  keywords: string[];
  /** CRLF size when known without reading the message (Maildir W=), else null. */
  size: number | null;
  /** A backend-specific identity that changes when the bytes change (e.g. file base name). */
  key: string;
}

/** The state of a mailbox on disk after a scan. */
export interface BackendState {
  uidValidity: number;
  uidNext: number;
  /** Ordered by UID. */
  messages: BackendMessage[];
}

/** A new or updated flag state for one message. */
export interface BackendFlagChange {
  uid: number;
  flags: Flags;
  keywords: string[];
}

/** A message handed to the backend for appending, already complete in memory or in a file. */
export interface BackendAppend {
  data: Buffer;
  flags: Flags;
  keywords: string[];
  internalDate: number;
}

/** One mailbox of a backend: layout, flag encoding, UID persistence, bytes. */
export interface MailboxBackend {
  /** Where the shared layer may keep its index files (a directory that exists). */
  readonly indexDir: string;
  /** Read the mailbox, assigning UIDs to new messages; `claimNew` lets it move new mail (Maildir new/→cur/). */
  scan(options: { claimNew: boolean }): Promise<BackendState>;
  /**
   * The internal date (ms since the epoch) and, when `wantSize`, the CRLF size of a message the
   * index does not know yet. Throws MailError Expunged when gone.
   */
  describe(uid: number, wantSize: boolean): Promise<{ internalDate: number; size: number | null }>;
  /** The raw stored bytes (line ends as stored). Throws MailError Expunged when gone. */
  openRaw(uid: number): Promise<Readable>;
  updateFlags(changes: readonly BackendFlagChange[]): Promise<void>;
  expunge(uids: readonly number[]): Promise<number[]>;
  append(items: readonly BackendAppend[]): Promise<number[]>;
  /** Copy into another mailbox of the same backend kind; null if not possible cheaply. */
  copyTo?(uids: readonly number[], target: MailboxBackend): Promise<number[] | null>;
  /** Resolves on a possible change; rejects when the signal aborts. */
  waitForChange(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** One mailbox as a layout sees it on disk. */
export interface LayoutEntry {
  name: string;
  /** False for a directory that holds children only (e.g. an mbox folder directory). */
  selectable: boolean;
}

/**
 * The format-specific part of a store: where mailboxes live and how they are created, deleted
 * and renamed. Names given to a layout are already validated and canonical; existence rules
 * (Exists, NotFound, Cannot), subscriptions, special use, STATUS and opening are done once above.
 */
export interface StoreLayout {
  readonly delimiter: string;
  /** Directory of the per-user control files (subscriptions, special-use roles). */
  readonly controlDir: string;
  /** Dovecot's name of the subscriptions file for this format. */
  readonly subscriptionsFile: string;
  /** Create the root (and INBOX) when missing. */
  init(): Promise<void>;
  /** Every mailbox other than INBOX that exists on disk. */
  list(): Promise<LayoutEntry[]>;
  /** Whether a mailbox exists; throws MailError Perm when it leads outside the mail root. */
  exists(name: string): Promise<LayoutEntry | null>;
  create(name: string): Promise<void>;
  /** Remove one mailbox (not its children). */
  delete(name: string): Promise<void>;
  /** Rename a mailbox and all its children (`from` itself may be only an implicit parent). */
  rename(from: string, to: string): Promise<void>;
  /** Move all of INBOX's messages into the (just created) mailbox `to`. */
  moveInboxMessages(to: string): Promise<void>;
  /** The stable key of a mailbox (e.g. its directory), without touching the disk. */
  key(name: string): string;
  /** A stable key (e.g. its directory) and a factory for the backend of an existing mailbox. */
  backend(name: string): Promise<{ key: string; create: () => MailboxBackend }>;
}
