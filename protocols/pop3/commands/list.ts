// RFC 1939 §5 LIST [msg]
import { messageArg, transaction, type Pop3CommandSpec } from './types.js';

export const list: Pop3CommandSpec = {
  name: 'LIST',
  states: ['transaction'],
  async run(session, cmd) {
    if (cmd.args.length > 1) return session.err('LIST takes at most one argument');
    if (cmd.args.length === 1) {
      const msg = messageArg(session, cmd.args[0]);
      if (msg) session.ok(`${msg.number} ${msg.size}`);
      return;
    }
    const s = transaction(session);
    const live = s.messages.filter((m) => !s.deleted.has(m.number));
    const size = live.reduce((n, m) => n + m.size, 0);
    const lines = [`+OK ${live.length} messages (${size} octets)`, ...live.map((m) => `${m.number} ${m.size}`), '.'];
    session.conn.write(lines.join('\r\n') + '\r\n');
  },
};
