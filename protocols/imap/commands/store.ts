// RFC 3501 §6.4.6 STORE (and UID STORE, §6.4.8)
import { fetchFlagsLine } from '../updates.js';
import { flagUpdate, no, ok, own, SELECTED } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const storeCommand: ImapCommandSpec<'STORE'> = {
  name: 'STORE',
  states: SELECTED,
  expungeAllowed: false,
  async run(session, cmd) {
    const s = own(session);
    const sel = s.selected();
    const requested = s.resolveSequenceSet(cmd.args.set, { uid: cmd.uid });
    if (sel.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
    const update = flagUpdate(cmd.args.flags);
    const mailbox = sel.mailbox;
    const present = requested.filter((uid) => mailbox.byUid(uid) !== undefined);
    if (present.length > 0) {
      const tx = mailbox.begin();
      tx.setFlags(present, cmd.args.operation, update);
      await tx.commit();
    }
    // Own changes are answered below (or not at all with .SILENT), not as updates.
    await s.syncMailbox(new Set(present));
    for (const uid of present) {
      const info = mailbox.byUid(uid);
      const seq = s.seqOf(uid);
      if (!info || seq === 0) continue;
      s.flagsReported(uid, info.flags, info.keywords);
      if (!cmd.args.silent && !s.write(fetchFlagsLine(seq, info, cmd.uid))) await s.flush();
    }
    if (present.length < requested.length) return no('Some of the messages were expunged', 'EXPUNGEISSUED');
    return ok('Store completed');
  },
};
