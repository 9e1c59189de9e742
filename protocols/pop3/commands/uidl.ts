// RFC 1939 §7 UIDL [msg]
import { messageArg, transaction, type Pop3CommandSpec } from './types.js';

export const uidl: Pop3CommandSpec = {
  name: 'UIDL',
  states: ['transaction'],
  async run(session, cmd) {
    if (cmd.args.length > 1) return session.err('UIDL takes at most one argument');
    if (cmd.args.length === 1) {
      const msg = messageArg(session, cmd.args[0]);
      if (msg) session.ok(`${msg.number} ${msg.uidl}`);
      return;
    }
    const s = transaction(session);
    const lines = ['+OK', ...s.messages.filter((m) => !s.deleted.has(m.number)).map((m) => `${m.number} ${m.uidl}`), '.'];
    session.conn.write(lines.join('\r\n') + '\r\n');
  },
};
