// RFC 3501 §6.1.1 CAPABILITY
import { ANY_STATE, ok, own } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const capabilityCommand: ImapCommandSpec<'CAPABILITY'> = {
  name: 'CAPABILITY',
  states: ANY_STATE,
  expungeAllowed: true,
  run(session) {
    session.untagged('CAPABILITY', ...own(session).capabilities());
    return Promise.resolve(ok('Capability completed'));
  },
};
