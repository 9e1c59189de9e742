// Public surface of the SASL layer for the POP3 and IMAP front-ends.
export { MECHANISM_NAMES } from './types.js';
export type { FailureReason, Mechanism, MechanismName, MechanismOptions, Step } from './types.js';
export { createMechanism, listMechanisms, normalizeMechanismName, CLEARTEXT_MECHANISMS } from './mechanisms.js';
export { cleartextAllowed, isLoopbackAddress } from './cleartext-policy.js';
export type { CleartextPolicy } from './cleartext-policy.js';
export { decodeClientResponse, encodeServerData } from './base64-line.js';
export type { ClientResponse, DecodeOptions } from './base64-line.js';
export { createSaslExchange } from './exchange.js';
export type { ExchangeOptions, ExchangeReply, SaslExchange } from './exchange.js';
