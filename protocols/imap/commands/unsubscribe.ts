// RFC 3501 §6.3.7 UNSUBSCRIBE
import { LOGGED_IN, mailboxFromWire, ok, storeOf } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const unsubscribeCommand: ImapCommandSpec<'UNSUBSCRIBE'> = {
  name: 'UNSUBSCRIBE',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    await storeOf(session).unsubscribe(mailboxFromWire(session, cmd.args.mailbox));
    return ok('Unsubscribe completed');
  },
};
