// IMAP session states (RFC 3501 §3) as a discriminated union; logout is the end of the session.
import type { AuthenticatedUser } from '../../src/auth/types.js';
import type { Mailbox, MailStore } from '../../storage/types.js';

/** Before LOGIN/AUTHENTICATE. */
export interface NotAuthenticatedState {
  readonly kind: 'notAuthenticated';
}

/** Logged in, no mailbox selected. */
export interface AuthenticatedState {
  readonly kind: 'authenticated';
  readonly user: AuthenticatedUser;
  readonly store: MailStore;
}

/** A mailbox is selected (SELECT read-write, EXAMINE read-only). */
export interface SelectedState {
  readonly kind: 'selected';
  readonly user: AuthenticatedUser;
  readonly store: MailStore;
  /** The storage view: its `messages` is the snapshot whose order gives sequence numbers. */
  readonly mailbox: Mailbox;
  /** True after EXAMINE or when the mailbox could only be opened read-only. */
  readonly readOnly: boolean;
  /** The mailbox name as the client wrote it, decoded to Unicode. */
  readonly name: string;
}

/** The state of one IMAP session. */
export type ImapState = NotAuthenticatedState | AuthenticatedState | SelectedState;

/** The name of a state, as listed in a command spec's `states`. */
export type ImapStateKind = ImapState['kind'];
