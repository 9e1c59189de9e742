// RFC 3501 §6.3.3 CREATE (RFC 6154 §3 USE for a special-use role)
import type { SpecialUse } from '../../../storage/types.js';
import { LOGGED_IN, mailboxFromWire, no, ok, storeOf } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

const USES: readonly SpecialUse[] = ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive', 'All', 'Flagged'];

export const createCommand: ImapCommandSpec<'CREATE'> = {
  name: 'CREATE',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    const store = storeOf(session);
    let name = mailboxFromWire(session, cmd.args.mailbox);
    // A trailing delimiter only says that children will follow (RFC 3501 §6.3.3).
    while (name.length > 1 && name.endsWith(store.delimiter)) name = name.slice(0, -1);
    if (name.toUpperCase() === 'INBOX') return no('INBOX always exists', 'ALREADYEXISTS');
    let specialUse: SpecialUse | undefined;
    for (const raw of cmd.args.specialUse) {
      const use = USES.find((u) => `\\${u}`.toUpperCase() === raw.toUpperCase());
      if (!use) return no(`Unknown special-use ${raw}`, 'USEATTR');
      specialUse = use;
    }
    await store.create(name, specialUse ? { specialUse } : {});
    return ok('Create completed');
  },
};
