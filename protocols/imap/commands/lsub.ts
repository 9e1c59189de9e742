// RFC 3501 §6.3.9 LSUB
import { encodeString, paren, untagged } from '../encode/index.js';
import { joinReference, patternMatcher } from './list-match.js';
import { LOGGED_IN, mailboxToWire, ok, patternFromWire, storeOf } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

export const lsubCommand: ImapCommandSpec<'LSUB'> = {
  name: 'LSUB',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    const store = storeOf(session);
    const delim = store.delimiter;
    const reference = patternFromWire(session, cmd.args.reference);
    const pattern = patternFromWire(session, cmd.args.pattern);
    if (reference === null || pattern === null) return ok('Lsub completed');
    if (pattern === '') {
      session.write(untagged('LSUB', paren(['\\Noselect']), encodeString(delim), encodeString('')));
      return ok('Lsub completed');
    }
    const matches = patternMatcher(joinReference(reference, pattern, delim), delim);
    const subs = await store.list({ subscribedOnly: true });
    const names = new Set(subs.map((e) => e.name));
    const sent = new Set<string>();
    const percent = pattern.includes('%');
    for (const e of subs) {
      if (matches(e.name)) {
        session.write(untagged('LSUB', paren(e.noselect ? ['\\Noselect'] : []), encodeString(delim), mailboxToWire(session, e.name)));
        sent.add(e.name);
        continue;
      }
      if (!percent) continue;
      // With `%`, an unsubscribed parent of a subscribed mailbox is listed \Noselect (RFC 3501 §6.3.9).
      const parts = e.name.split(delim);
      for (let i = parts.length - 1; i > 0; i--) {
        const parent = parts.slice(0, i).join(delim);
        if (!names.has(parent) && !sent.has(parent) && matches(parent)) {
          session.write(untagged('LSUB', paren(['\\Noselect']), encodeString(delim), mailboxToWire(session, parent)));
          sent.add(parent);
        }
      }
    }
    return ok('Lsub completed');
  },
};
