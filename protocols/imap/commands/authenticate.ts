// RFC 3501 §6.2.2 AUTHENTICATE, with RFC 4959 SASL-IR
import { createMechanism, createSaslExchange, normalizeMechanismName, type ExchangeReply } from '../../sasl/index.js';
import { continuation } from '../encode/index.js';
import { bad, no, own } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const authenticateCommand: ImapCommandSpec<'AUTHENTICATE'> = {
  name: 'AUTHENTICATE',
  states: ['notAuthenticated'],
  expungeAllowed: true,
  async run(session, cmd) {
    const s = own(session);
    const name = normalizeMechanismName(cmd.args.mechanism);
    const offered = s.mechanisms();
    if (name === null || !offered.includes(name)) {
      if (name !== null && s.deps.mechanisms.includes(name)) return no('Plaintext authentication disallowed on non-secure connections (use STARTTLS)', 'PRIVACYREQUIRED');
      return no('Unsupported authentication mechanism', 'CANNOT');
    }
    const backend = s.deps.auth;
    const conn = s.conn;
    const mechanism = createMechanism(name, backend, { clientIp: conn.clientIp, secure: conn.secure, protocol: 'imap', sessionId: conn.id }, { hostname: s.deps.hostname });
    const exchange = createSaslExchange(mechanism, { maxResponseBytes: s.deps.maxSaslResponseBytes });
    let outcome: ExchangeReply | null = null;
    const user = await backend.attempt(conn.clientIp, async () => {
      let reply: ExchangeReply = await exchange.start(cmd.args.initialResponse);
      while (reply.kind === 'challenge') {
        s.write(continuation(reply.text));
        s.expectLine();
        const ev = await s.nextEvent();
        if (ev === null) return null;
        // An overlong line cannot be a valid response within the limit: it fails as malformed.
        reply = await exchange.respond(ev.kind === 'line' ? ev.line.toString('latin1') : '!');
      }
      outcome = reply;
      return reply.kind === 'success' ? reply.user : null;
    });
    if (user) return s.enterAuthenticated(user);
    const failed = outcome as ExchangeReply | null;
    const reason = failed?.kind === 'failure' ? failed.reason : 'credentials';
    s.log.info({ mechanism: name, reason }, 'imap login failed');
    if (reason === 'cancelled') return bad('Authentication cancelled');
    if (reason === 'malformed') return bad('Invalid authentication data');
    if (reason === 'temp') return no('Authentication temporarily unavailable', 'UNAVAILABLE');
    if (reason === 'authz') return no('Not allowed to act as that user', 'AUTHORIZATIONFAILED');
    return no('Authentication failed', 'AUTHENTICATIONFAILED');
  },
};
