// RFC 3501 §6.3.4 DELETE
import { LOGGED_IN, mailboxFromWire, no, ok, storeOf } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const deleteCommand: ImapCommandSpec<'DELETE'> = {
  name: 'DELETE',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    const name = mailboxFromWire(session, cmd.args.mailbox);
    if (name.toUpperCase() === 'INBOX') return no('INBOX cannot be deleted', 'CANNOT');
    const s = session.state;
    if (s.kind === 'selected' && s.name === name) return no('Cannot delete the selected mailbox', 'INUSE');
    await storeOf(session).delete(name);
    return ok('Delete completed');
  },
};
