// RFC 1939 §7 USER name
import type { Pop3CommandSpec } from './types.js';

export const user: Pop3CommandSpec = {
  name: 'USER',
  states: ['authorization'],
  async run(session, cmd) {
    if (!session.cleartextAllowed()) {
      return session.err('Plaintext authentication disallowed on non-secure connections (use STLS)', 'AUTH');
    }
    const name = cmd.rest.trim();
    if (name === '' || name.length > 256) return session.err('USER needs a name');
    session.state = { kind: 'authorization', user: name };
    session.ok();
  },
};
