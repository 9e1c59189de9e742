// RFC 3501 §6.1.3 LOGOUT
import { untaggedStatus } from '../encode/index.js';
import { ANY_STATE, ok, own } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const logoutCommand: ImapCommandSpec<'LOGOUT'> = {
  name: 'LOGOUT',
  states: ANY_STATE,
  expungeAllowed: true,
  run(session) {
    session.write(untaggedStatus('BYE', 'Logging out'));
    own(session).logoutRequested = true;
    return Promise.resolve(ok('Logout completed'));
  },
};
