// RFC 2449 §5 CAPA
import { mechanismsOffered } from '../auth-helpers.js';
import type { Pop3CommandSpec } from './types.js';

export const capa: Pop3CommandSpec = {
  name: 'CAPA',
  states: ['authorization', 'transaction'],
  async run(session) {
    const { settings, tlsAvailable } = session.deps;
    const lines = ['+OK Capability list follows', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    if (session.state.kind === 'authorization') {
      if (session.cleartextAllowed()) lines.push('USER');
      const mechs = mechanismsOffered(session);
      if (mechs.length > 0) lines.push(`SASL ${mechs.join(' ')}`);
      if (tlsAvailable && !session.conn.secure) lines.push('STLS');
    }
    lines.push(`EXPIRE ${settings.expire}`);
    if (settings.login_delay_seconds > 0) lines.push(`LOGIN-DELAY ${settings.login_delay_seconds}`);
    lines.push('IMPLEMENTATION inboxd', '.');
    session.conn.write(lines.join('\r\n') + '\r\n');
  },
};
