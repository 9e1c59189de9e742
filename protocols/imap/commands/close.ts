// RFC 3501 §6.4.2 CLOSE: expunge \Deleted messages silently (read-write only), then deselect
import { ok, own, SELECTED } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const closeCommand: ImapCommandSpec<'CLOSE'> = {
  name: 'CLOSE',
  states: SELECTED,
  expungeAllowed: true,
  async run(session) {
    const s = own(session);
    const sel = s.selected();
    try {
      if (!sel.readOnly && sel.mailbox.messages.some((m) => m.flags.deleted)) {
        const tx = sel.mailbox.begin();
        tx.expunge();
        await tx.commit();
      }
    } finally {
      await s.leaveSelected();
    }
    return ok('Close completed');
  },
};
