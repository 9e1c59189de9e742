// RFC 3501 §6.3.5 RENAME (renaming INBOX moves its messages and leaves INBOX empty)
import { LOGGED_IN, mailboxFromWire, no, ok, storeOf } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const renameCommand: ImapCommandSpec<'RENAME'> = {
  name: 'RENAME',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    const from = mailboxFromWire(session, cmd.args.from);
    const to = mailboxFromWire(session, cmd.args.to);
    if (to.toUpperCase() === 'INBOX') return no('INBOX always exists', 'ALREADYEXISTS');
    await storeOf(session).rename(from.toUpperCase() === 'INBOX' ? 'INBOX' : from, to);
    return ok('Rename completed');
  },
};
