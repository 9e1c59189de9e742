// POP3 session states (RFC 1939 §3) as a discriminated union.
import type { AuthenticatedUser } from '../../src/auth/types.js';
import type { Mailbox, MailStore } from '../../storage/types.js';

/** One message of the maildrop snapshot taken at login. */
export interface Pop3Message {
  /** 1-based message number, fixed for the session. */
  readonly number: number;
  readonly uid: number;
  /** Exact octet count as sent by RETR (CRLF line ends, before dot-stuffing). */
  readonly size: number;
  readonly uidl: string;
}

/** Before login. `user` is the name given by USER, awaiting PASS. */
export interface AuthorizationState {
  readonly kind: 'authorization';
  readonly user?: string;
}

/** After login: the maildrop is open and its list fixed. */
export interface TransactionState {
  readonly kind: 'transaction';
  readonly user: AuthenticatedUser;
  readonly store: MailStore;
  readonly mailbox: Mailbox;
  readonly messages: readonly Pop3Message[];
  /** Message numbers marked by DELE. */
  readonly deleted: Set<number>;
  /** UIDs fully sent by RETR (marked seen at QUIT when configured). */
  readonly retrieved: Set<number>;
  /** Releases the maildrop for other POP3 sessions. */
  readonly release: () => void;
}

/** QUIT received in TRANSACTION: changes are being committed; then the session ends. */
export interface UpdateState {
  readonly kind: 'update';
}

export type Pop3State = AuthorizationState | TransactionState | UpdateState;
export type Pop3StateKind = Pop3State['kind'];
