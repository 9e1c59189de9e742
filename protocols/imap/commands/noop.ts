// RFC 3501 §6.1.2 NOOP (the untagged updates are sent by the session after every command)
import { ANY_STATE, ok } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const noopCommand: ImapCommandSpec<'NOOP'> = {
  name: 'NOOP',
  states: ANY_STATE,
  expungeAllowed: true,
  run() {
    return Promise.resolve(ok('NOOP completed'));
  },
};
