// Public surface of the SASL layer for the POP3 and IMAP front-ends. Typical use for
// `AUTHENTICATE <mech> [<ir>]` / `AUTH <mech> [<ir>]`:
//   const offered = listMechanisms(cfg.auth.mechanisms, { secure, allowCleartext: cleartextAllowed(policy, secure, ip) });
//   const name = normalizeMechanismName(arg);            // null or not in `offered` → NO / -ERR
//   const ex = createSaslExchange(createMechanism(name, backend, ctx), { maxResponseBytes: cfg.auth.max_sasl_response_bytes });
//   let reply = await ex.start(ir);                       // ir undefined when absent, "=" for empty
//   while (reply.kind === 'challenge') { send(`+ ${reply.text}`); reply = await ex.respond(await readLine()); }
//   reply.kind === 'success' ? login(reply.user) : fail(reply.reason);   // 'temp' → [UNAVAILABLE]
export { MECHANISM_NAMES } from './types.js';
export type { FailureReason, Mechanism, MechanismName, MechanismOptions, Step } from './types.js';
export { createMechanism, listMechanisms, normalizeMechanismName, CLEARTEXT_MECHANISMS } from './mechanisms.js';
export { cleartextAllowed, isLoopbackAddress } from './cleartext-policy.js';
export type { CleartextPolicy } from './cleartext-policy.js';
export { decodeClientResponse, encodeServerData } from './base64-line.js';
export type { ClientResponse, DecodeOptions } from './base64-line.js';
export { createSaslExchange } from './exchange.js';
export type { ExchangeOptions, ExchangeReply, SaslExchange } from './exchange.js';
