// RFC 1939 §5 RSET
import { transaction, type Pop3CommandSpec } from './types.js';

export const rset: Pop3CommandSpec = {
  name: 'RSET',
  states: ['transaction'],
  async run(session) {
    const s = transaction(session);
    s.deleted.clear();
    s.retrieved.clear();
    const size = s.messages.reduce((n, m) => n + m.size, 0);
    session.ok(`${s.messages.length} messages (${size} octets)`);
  },
};
