// RFC 1939 §7 PASS string
import { enterTransaction } from '../login.js';
import type { Pop3CommandSpec } from './types.js';

export const pass: Pop3CommandSpec = {
  name: 'PASS',
  states: ['authorization'],
  async run(session, cmd) {
    const s = session.state;
    if (s.kind !== 'authorization' || s.user === undefined) return session.err('Send USER first');
    if (!session.cleartextAllowed()) return session.err('Plaintext authentication disallowed on non-secure connections', 'AUTH');
    session.state = { kind: 'authorization' };
    // The password is the rest of the line: it may contain spaces (RFC 1939 §7 discussion).
    const { auth } = session.deps;
    const username = s.user;
    const user = await auth.attempt(session.conn.clientIp, () => auth.verifyPassword(username, cmd.rest));
    if (!user) {
      session.conn.log.info({ user: username, mechanism: 'USER' }, 'pop3 login failed');
      if (!session.countBad()) session.err('Authentication failed', 'AUTH');
      return;
    }
    await enterTransaction(session, user);
  },
};
