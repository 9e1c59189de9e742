// RFC 2595 §4 STLS
import type { Pop3CommandSpec } from './types.js';

export const stls: Pop3CommandSpec = {
  name: 'STLS',
  states: ['authorization'],
  async run(session) {
    if (!session.deps.tlsAvailable) return session.err('TLS is not configured');
    if (session.conn.secure) return session.err('TLS is already active');
    session.ok('Begin TLS negotiation');
    try {
      await session.upgradeTls();
    } catch (err) {
      session.conn.log.info({ err }, 'STLS handshake failed');
      session.conn.close();
      return;
    }
    session.state = { kind: 'authorization' };
  },
};
