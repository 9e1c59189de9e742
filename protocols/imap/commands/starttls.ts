// RFC 3501 §6.2.1 STARTTLS
import { bad, no, ok, own } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const starttlsCommand: ImapCommandSpec<'STARTTLS'> = {
  name: 'STARTTLS',
  states: ['notAuthenticated'],
  expungeAllowed: true,
  run(session) {
    const s = own(session);
    if (s.conn.secure) return Promise.resolve(bad('TLS is already active'));
    if (!s.deps.tlsAvailable || !s.conn.canStartTls) return Promise.resolve(no('TLS is not available on this server'));
    s.runAfterReply(() => s.upgradeTls());
    return Promise.resolve(ok('Begin TLS negotiation now'));
  },
};
