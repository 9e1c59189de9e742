// RFC 3501 §6.3.10 STATUS (RFC 8438 STATUS=SIZE)
import { LOGGED_IN, mailboxFromWire, mailboxToWire, ok, storeOf } from './helpers.js';
import { statusLine } from './status-items.js';
import type { ImapCommandSpec } from './types.js';

export const statusCommand: ImapCommandSpec<'STATUS'> = {
  name: 'STATUS',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    const name = mailboxFromWire(session, cmd.args.mailbox);
    const status = await storeOf(session).status(name);
    session.write(statusLine(mailboxToWire(session, name), status, cmd.args.items));
    return ok('Status completed');
  },
};
