// RFC 3501 §6.2.3 LOGIN
import { no, own } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const loginCommand: ImapCommandSpec<'LOGIN'> = {
  name: 'LOGIN',
  states: ['notAuthenticated'],
  expungeAllowed: true,
  async run(session, cmd) {
    const s = own(session);
    if (!s.cleartextAllowed()) return no('Plaintext authentication disallowed on non-secure connections (use STARTTLS)', 'PRIVACYREQUIRED');
    const { auth } = s.deps;
    const { username, password } = cmd.args;
    const user = await auth.attempt(s.conn.clientIp, () => auth.verifyPassword(username, password));
    if (!user) {
      s.log.info({ user: username, mechanism: 'LOGIN' }, 'imap login failed');
      return no('Authentication failed', 'AUTHENTICATIONFAILED');
    }
    return s.enterAuthenticated(user);
  },
};
