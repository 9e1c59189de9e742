// RFC 2342 NAMESPACE: one personal namespace with an empty prefix
import { encodeString, paren, untagged } from '../encode/index.js';
import { LOGGED_IN, ok, storeOf } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const namespaceCommand: ImapCommandSpec<'NAMESPACE'> = {
  name: 'NAMESPACE',
  states: LOGGED_IN,
  expungeAllowed: true,
  run(session) {
    const delim = storeOf(session).delimiter;
    session.write(untagged('NAMESPACE', paren([paren([encodeString(''), encodeString(delim)])]), 'NIL', 'NIL'));
    return Promise.resolve(ok('Namespace completed'));
  },
};
