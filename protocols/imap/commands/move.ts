// RFC 6851 MOVE (and UID MOVE)
import { copyOrMove } from './copy.js';
import { SELECTED } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const moveCommand: ImapCommandSpec<'MOVE'> = {
  name: 'MOVE',
  states: SELECTED,
  expungeAllowed: true,
  run: (session, cmd) => copyOrMove(session, cmd, true),
};
