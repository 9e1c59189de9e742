// RFC 3691 UNSELECT: deselect without expunging
import { ok, own, SELECTED } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const unselectCommand: ImapCommandSpec<'UNSELECT'> = {
  name: 'UNSELECT',
  states: SELECTED,
  expungeAllowed: true,
  async run(session) {
    await own(session).leaveSelected();
    return ok('Unselect completed');
  },
};
