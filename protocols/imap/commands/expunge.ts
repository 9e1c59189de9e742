// RFC 3501 §6.4.3 EXPUNGE, and RFC 4315 UID EXPUNGE
import { no, ok, own, SELECTED } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const expungeCommand: ImapCommandSpec<'EXPUNGE'> = {
  name: 'EXPUNGE',
  states: SELECTED,
  expungeAllowed: true,
  async run(session, cmd) {
    const s = own(session);
    const sel = s.selected();
    if (sel.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
    const tx = sel.mailbox.begin();
    if (cmd.uid && cmd.args.set) {
      const uids = s.resolveSequenceSet(cmd.args.set, { uid: true }).filter((uid) => sel.mailbox.byUid(uid)?.flags.deleted === true);
      if (uids.length === 0) return ok('Expunge completed, nothing to expunge');
      tx.expunge(uids);
    } else {
      tx.expunge();
    }
    await tx.commit();
    await s.syncMailbox();
    return ok('Expunge completed');
  },
};
