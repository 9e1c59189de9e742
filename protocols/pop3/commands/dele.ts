// RFC 1939 §5 DELE msg
import { messageArg, transaction, type Pop3CommandSpec } from './types.js';

export const dele: Pop3CommandSpec = {
  name: 'DELE',
  states: ['transaction'],
  async run(session, cmd) {
    if (cmd.args.length !== 1) return session.err('DELE needs a message number');
    const msg = messageArg(session, cmd.args[0]);
    if (!msg) return;
    transaction(session).deleted.add(msg.number);
    session.ok(`Message ${msg.number} deleted`);
  },
};
