// RFC 2971 ID: log what the client says, answer with the server's name
import { encodeString, paren, untagged } from '../encode/index.js';
import { ANY_STATE, ok } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const idCommand: ImapCommandSpec<'ID'> = {
  name: 'ID',
  states: ANY_STATE,
  expungeAllowed: true,
  run(session, cmd) {
    if (cmd.args.params) session.log.info({ clientId: Object.fromEntries(cmd.args.params.slice(0, 30)) }, 'imap client id');
    session.write(untagged('ID', paren([encodeString('name'), encodeString('inboxd')])));
    return Promise.resolve(ok('ID completed'));
  },
};
