// RFC 1939 §5 RETR msg
import { messageArg, transaction, type Pop3CommandSpec } from './types.js';

export const retr: Pop3CommandSpec = {
  name: 'RETR',
  states: ['transaction'],
  async run(session, cmd) {
    if (cmd.args.length !== 1) return session.err('RETR needs a message number');
    const msg = messageArg(session, cmd.args[0]);
    if (!msg) return;
    const s = transaction(session);
    let source;
    try {
      source = await s.mailbox.openContent(msg.uid, { what: 'full' });
    } catch (err) {
      return session.storageError(err, `Cannot read message ${msg.number}`);
    }
    const sent = await session.sendMultiline(`${msg.size} octets`, source);
    session.counters.retrCount++;
    session.counters.retrBytes += sent;
    if (sent === msg.size) s.retrieved.add(msg.uid);
  },
};
