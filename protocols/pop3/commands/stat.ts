// RFC 1939 §5 STAT
import { transaction, type Pop3CommandSpec } from './types.js';

export const stat: Pop3CommandSpec = {
  name: 'STAT',
  states: ['transaction'],
  async run(session, cmd) {
    if (cmd.args.length > 0) return session.err('STAT takes no arguments');
    const s = transaction(session);
    let count = 0;
    let size = 0;
    for (const m of s.messages) {
      if (s.deleted.has(m.number)) continue;
      count++;
      size += m.size;
    }
    session.ok(`${count} ${size}`);
  },
};
