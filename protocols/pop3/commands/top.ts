// RFC 1939 §7 TOP msg n
import { TopLimiter } from '../encode.js';
import { messageArg, transaction, type Pop3CommandSpec } from './types.js';

export const top: Pop3CommandSpec = {
  name: 'TOP',
  states: ['transaction'],
  async run(session, cmd) {
    if (cmd.args.length !== 2) return session.err('TOP needs a message number and a line count');
    if (!/^[0-9]{1,9}$/.test(cmd.args[1])) return session.err('Invalid line count');
    const msg = messageArg(session, cmd.args[0]);
    if (!msg) return;
    let source;
    try {
      source = await transaction(session).mailbox.openContent(msg.uid, { what: 'full' });
    } catch (err) {
      return session.storageError(err, `Cannot read message ${msg.number}`);
    }
    const sent = await session.sendMultiline('Top of message follows', source, new TopLimiter(Number(cmd.args[1])));
    session.counters.topCount++;
    session.counters.topBytes += sent;
  },
};
