// The shape of a POP3 command module: name, allowed states, and its run step.
import type { Pop3Command } from '../parser.js';
import type { Pop3Session } from '../session.js';
import type { Pop3Message, Pop3StateKind, TransactionState } from '../state.js';

/** One POP3 command; the session checks `states` before calling `run`. */
export interface Pop3CommandSpec {
  readonly name: string;
  readonly states: readonly Pop3StateKind[];
  run(session: Pop3Session, cmd: Pop3Command): Promise<void>;
}

/** The TRANSACTION state; commands that list it in `states` may call this. */
export function transaction(session: Pop3Session): TransactionState {
  if (session.state.kind !== 'transaction') throw new Error('not in TRANSACTION state');
  return session.state;
}

/**
 * Resolve a message-number argument to a live message, or answer -ERR and return null
 * (RFC 1939: a deleted message may not be referred to).
 */
export function messageArg(session: Pop3Session, arg: string | undefined): Pop3Message | null {
  const state = transaction(session);
  const n = arg !== undefined && /^[0-9]{1,9}$/.test(arg) ? Number(arg) : 0;
  if (n < 1) {
    session.err('Invalid message number');
    return null;
  }
  const msg = state.messages[n - 1];
  if (!msg) {
    session.err('There is no such message');
    return null;
  }
  if (state.deleted.has(n)) {
    session.err('Message is deleted');
    return null;
  }
  return msg;
}
