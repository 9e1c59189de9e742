// RFC 1939 §7 APOP name digest: MD5 of the greeting's timestamp and the shared secret.
import { createHash, timingSafeEqual } from 'node:crypto';
import { enterTransaction } from '../login.js';
import type { Pop3CommandSpec } from './types.js';

export const apop: Pop3CommandSpec = {
  name: 'APOP',
  states: ['authorization'],
  async run(session, cmd) {
    if (cmd.args.length !== 2 || !/^[0-9a-fA-F]{32}$/.test(cmd.args[1])) return session.err('APOP needs a name and an MD5 digest');
    const [name, digest] = cmd.args;
    const { auth } = session.deps;
    const user = await auth.attempt(session.conn.clientIp, async () => {
      const found = await auth.plainSecret(name);
      if (!found) return null;
      const expected = createHash('md5').update(session.apopChallenge + found.secret, 'utf8').digest();
      return timingSafeEqual(expected, Buffer.from(digest, 'hex')) ? found.user : null;
    });
    if (!user) {
      session.conn.log.info({ user: name, mechanism: 'APOP' }, 'pop3 login failed');
      if (!session.countBad()) session.err('Authentication failed', 'AUTH');
      return;
    }
    await enterTransaction(session, user);
  },
};
