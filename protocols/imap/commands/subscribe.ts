// RFC 3501 §6.3.6 SUBSCRIBE
import { LOGGED_IN, mailboxFromWire, ok, storeOf } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const subscribeCommand: ImapCommandSpec<'SUBSCRIBE'> = {
  name: 'SUBSCRIBE',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    await storeOf(session).subscribe(mailboxFromWire(session, cmd.args.mailbox));
    return ok('Subscribe completed');
  },
};
