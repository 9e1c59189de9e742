// RFC 3501 §6.4.1 CHECK: nothing is buffered, so it is a NOOP in the selected state
import { ok, SELECTED } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const checkCommand: ImapCommandSpec<'CHECK'> = {
  name: 'CHECK',
  states: SELECTED,
  expungeAllowed: true,
  run() {
    return Promise.resolve(ok('CHECK completed'));
  },
};
