// RFC 5034 AUTH mechanism [initial-response]; a bare AUTH lists the mechanisms (as clients expect).
import { createMechanism, createSaslExchange, normalizeMechanismName, type ExchangeReply } from '../../sasl/index.js';
import { mechanismsOffered } from '../auth-helpers.js';
import { enterTransaction } from '../login.js';
import type { Pop3CommandSpec } from './types.js';

export const auth: Pop3CommandSpec = {
  name: 'AUTH',
  states: ['authorization'],
  async run(session, cmd) {
    const offered = mechanismsOffered(session);
    if (cmd.args.length === 0) {
      session.conn.write(['+OK', ...offered, '.'].join('\r\n') + '\r\n');
      return;
    }
    if (cmd.args.length > 2) return session.err('AUTH takes a mechanism and an optional initial response');
    const name = normalizeMechanismName(cmd.args[0]);
    if (name === null || !offered.includes(name)) {
      const cleartextRefused = name !== null && session.deps.mechanisms.includes(name);
      return session.err(
        cleartextRefused ? 'Plaintext authentication disallowed on non-secure connections (use STLS)' : 'Unsupported authentication mechanism',
        cleartextRefused ? 'AUTH' : undefined,
      );
    }
    const backend = session.deps.auth;
    const conn = session.conn;
    const mechanism = createMechanism(name, backend, { clientIp: conn.clientIp, secure: conn.secure, protocol: 'pop3', sessionId: conn.id }, { hostname: session.deps.hostname });
    const exchange = createSaslExchange(mechanism, { maxResponseBytes: session.deps.maxSaslResponseBytes });
    let outcome: ExchangeReply | null = null;
    const user = await backend.attempt(conn.clientIp, async () => {
      let reply: ExchangeReply = await exchange.start(cmd.args[1]);
      while (reply.kind === 'challenge') {
        session.send(`+ ${reply.text}`);
        const ev = await session.nextLine();
        if (ev === null) return null;
        // An overlong line cannot be valid base64 within the limit: it fails as malformed.
        reply = await exchange.respond(ev.kind === 'line' ? ev.line.toString('latin1') : '!');
      }
      outcome = reply;
      return reply.kind === 'success' ? reply.user : null;
    });
    if (user) return enterTransaction(session, user);
    const failed = outcome as ExchangeReply | null;
    const reason = failed?.kind === 'failure' ? failed.reason : 'credentials';
    conn.log.info({ mechanism: name, reason }, 'pop3 login failed');
    if (reason === 'cancelled') return session.err('Authentication cancelled');
    if (reason === 'temp') return session.err('Authentication temporarily unavailable', 'SYS/TEMP');
    if (!session.countBad()) session.err(reason === 'malformed' ? 'Invalid authentication data' : 'Authentication failed', 'AUTH');
  },
};
