// The contract between the IMAP session (dispatcher) and its command modules, one file per command.
//
// A command module exports one spec (`export const fetchCommand: ImapCommandSpec<'FETCH'> = …`);
// `commands/index.ts` registers it. The dispatcher checks `states` before `run`, turns the returned
// TaggedResult (or a thrown CommandError/MailError) into the tagged reply, and around every command
// sends the untagged updates (EXISTS/RECENT/EXPUNGE/FETCH FLAGS) RFC 3501 §7.4.1 allows.
import type { Readable } from 'node:stream';
import type { Logger } from '../../../src/log.js';
import type { Flags, Mailbox } from '../../../storage/types.js';
import type { Part, ResponseCode, StringOptions } from '../encode/index.js';
import type { CommandName, CommandOf, SequenceSet } from '../parser/index.js';
import type { ImapState, ImapStateKind, SelectedState } from '../state.js';
import type { ImapDeps } from '../deps.js';

export type { ImapDeps } from '../deps.js';
export type { ImapStateKind, SelectedState } from '../state.js';

/** The tagged completion of a command. `code` is a ResponseCode or its raw text (`TRYCREATE`, `APPENDUID 7 12`). */
export interface TaggedResult {
  status: 'OK' | 'NO' | 'BAD';
  code?: ResponseCode | string;
  text: string;
}

/** One command module. */
export interface ImapCommandSpec<N extends CommandName = CommandName> {
  /** As in the parser's CommandArgsMap; UID forms share the name (`cmd.uid` is true). */
  name: N;
  /** States in which the command is valid; elsewhere the dispatcher answers BAD. */
  states: readonly ImapStateKind[];
  /**
   * RFC 3501 §7.4.1: may an untagged EXPUNGE be sent before this command's tagged reply? `false`
   * applies to the non-UID form only (FETCH, STORE, SEARCH); their UID forms always allow it.
   * When not allowed, expunges found by a sync stay pending (the message keeps its number) and
   * are sent after a later command; EXISTS and FETCH FLAGS still go out.
   */
  expungeAllowed: boolean;
  /** Capabilities this module makes true when registered (e.g. ['ESEARCH', 'SEARCHRES', 'WITHIN']). */
  capabilities?: readonly string[];
  run(session: ImapSession, cmd: CommandOf<N>): Promise<TaggedResult>;
}

/** Throw from `run` (or a helper) to end the command with this tagged reply. */
export class CommandError extends Error {
  constructor(readonly result: TaggedResult) {
    super(result.text);
    this.name = 'CommandError';
  }
}

/** Options of `ImapSession.resolveSequenceSet`. */
export interface ResolveOptions {
  /** The set holds UIDs (UID FETCH/STORE/SEARCH…) rather than sequence numbers. */
  uid: boolean;
}

/**
 * What a command module may use of its session. Writes are queued on the connection in order;
 * `write` returns false when the socket buffer is full: then `await flush()` before writing more
 * (or use `writeStream`/`writeLiteral`, which do it for you).
 */
export interface ImapSession {
  readonly state: ImapState;
  readonly deps: ImapDeps;
  readonly log: Logger;
  /** Extensions turned on by ENABLE, upper-case (e.g. 'UTF8=ACCEPT', 'CONDSTORE'). */
  readonly enabled: ReadonlySet<string>;
  /** Options for encodeString/encodeAstring matching the session (UTF-8 once ENABLEd). */
  readonly stringOptions: StringOptions;
  /** True once the client is gone; long loops should stop. */
  readonly closed: boolean;

  /** The selected state; throws (→ BAD) if no mailbox is selected. */
  selected(): SelectedState;
  /** The storage view of the selected mailbox (same as `selected().mailbox`). */
  readonly mailbox: Mailbox;

  /** Queue raw bytes; false when the caller should `await flush()` before writing more. */
  write(data: Buffer | string): boolean;
  /** Resolves when the connection's write buffer has drained (or the client is gone). */
  flush(): Promise<void>;
  /** Writes `* part part …` CRLF (see encode's `untagged`). */
  untagged(...parts: Part[]): boolean;
  /** Streams every chunk of `source` with backpressure; returns the number of bytes written. */
  writeStream(source: Readable | AsyncIterable<Buffer>): Promise<number>;
  /**
   * Writes a literal `{size}` CRLF (or `~{size}` when binary) followed by exactly `size` bytes of
   * `source`, streamed with backpressure. If the source yields fewer bytes the rest is padded with
   * spaces, if more they are cut, so the connection stays in sync; the mismatch is logged.
   */
  writeLiteral(size: number, source: Readable | AsyncIterable<Buffer>, binary?: boolean): Promise<void>;

  /**
   * Sequence numbers belong to the CLIENT's view, not to the storage snapshot: a message another
   * session expunged stays in the client's view (with its number) until the session may send its
   * `* n EXPUNGE` (never during FETCH, STORE, SEARCH). Until the session syncs, the snapshot still
   * answers for it from its metadata (UID, flags, size) but its content may be gone; after a sync
   * `mailbox.byUid(uid)` is undefined. `openContent` then throws MailError NotFound/Expunged:
   * answer as RFC 2180 §4.1 allows (skip it and end with `NO [EXPUNGEISSUED]`, or `OK`).
   *
   * Resolves a sequence set against the client's view to the UIDs it names, in ascending order.
   * Sequence numbers: `*` is the last message; a number above the message count throws
   * CommandError BAD ("Invalid message sequence number") as Dovecot does. UIDs: `*` is the highest
   * UID in the view; UIDs not in the view are silently left out. `$` is the saved search result.
   */
  resolveSequenceSet(set: SequenceSet, options: ResolveOptions): number[];
  /** Sequence number of a UID in the client's view (use it for `* n FETCH`), 0 if unknown. */
  seqOf(uid: number): number;
  /** The UIDs of the client's view, in sequence order (index + 1 is the sequence number). */
  readonly viewUids: readonly number[];
  /**
   * Syncs the mailbox now and sends the untagged updates the client may get during the running
   * command (EXISTS, FETCH FLAGS; EXPUNGE only if the command allows it). Use after a commit when
   * the command needs the new state of the snapshot (e.g. the flags after an implicit \Seen).
   * Flag changes of the UIDs in `skipFlags` are not sent: the command answers them itself.
   */
  syncMailbox(skipFlags?: ReadonlySet<number>): Promise<void>;
  /** The result saved by SEARCH RETURN (SAVE) (RFC 5182), as UIDs; `$` reads it. */
  savedSearch: number[];

  /**
   * Tells the session that the client now knows the current flags of this message (the command
   * sent them in a FETCH response, or set them with STORE .SILENT), so the update after the
   * command does not repeat `* n FETCH (FLAGS …)` unless they change again.
   */
  flagsReported(uid: number, flags: Flags, keywords: readonly string[]): void;
}
