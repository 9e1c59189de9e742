// RFC 3501 §6.4.5 FETCH (and UID FETCH, §6.4.8), RFC 3516 BINARY
import { isMailError } from '../../../storage/errors.js';
import { FetchMessage, UnknownCteError } from '../fetch/section.js';
import { setsSeen, writeFetchResponse } from '../fetch/producer.js';
import type { FetchItem } from '../parser/types.js';
import { localZoneOffset } from './search.js';
import { no, ok, SELECTED } from './helpers.js';
import type { ImapCommandSpec, TaggedResult } from './types.js';

/** The items to answer: UID FETCH always includes UID (RFC 3501 §6.4.8), first like Dovecot. */
export function fetchItemsFor(items: readonly FetchItem[], uid: boolean): FetchItem[] {
  if (!uid || items.some((i) => i.type === 'UID')) return [...items];
  return [{ type: 'UID' }, ...items];
}

export const fetchCommand: ImapCommandSpec<'FETCH'> = {
  name: 'FETCH',
  states: SELECTED,
  expungeAllowed: false,
  capabilities: ['BINARY'],
  async run(session, cmd) {
    const sel = session.selected();
    const mailbox = sel.mailbox;
    const requested = session.resolveSequenceSet(cmd.args.set, { uid: cmd.uid });
    const items = fetchItemsFor(cmd.args.items, cmd.uid);

    // Implicit \Seen (RFC 3501 §6.4.5) before any response, so FLAGS can report it in the same one.
    const marked = new Set<number>();
    if (!sel.readOnly && items.some(setsSeen)) {
      for (const uid of requested) {
        const info = mailbox.byUid(uid);
        if (info && !info.flags.seen) marked.add(uid);
      }
      if (marked.size > 0) {
        const tx = mailbox.begin();
        tx.setFlags([...marked], 'add', { flags: { seen: true } });
        await tx.commit();
        await session.syncMailbox(marked);
      }
    }

    const withFlags = items.some((i) => i.type === 'FLAGS');
    let missing = 0;
    let failure: TaggedResult | null = null;
    for (const uid of requested) {
      if (session.closed) break;
      const info = mailbox.byUid(uid);
      const seq = session.seqOf(uid);
      if (!info || seq === 0) {
        missing++;
        continue;
      }
      try {
        await writeFetchResponse(session, new FetchMessage(mailbox, info), seq, items, {
          stringOptions: session.stringOptions,
          flagsChanged: marked.has(uid),
          zoneOffsetMinutes: localZoneOffset,
        });
      } catch (err) {
        if (err instanceof UnknownCteError) {
          failure ??= no(`Unknown Content-Transfer-Encoding ${err.encoding}`, 'UNKNOWN-CTE');
          continue;
        }
        if (isMailError(err, 'Expunged') || isMailError(err, 'NotFound')) {
          missing++;
          continue;
        }
        throw err;
      }
      if (withFlags || marked.has(uid)) session.flagsReported(uid, info.flags, info.keywords);
    }
    if (failure) return failure;
    if (missing > 0) return no('Some messages were expunged', 'EXPUNGEISSUED');
    return ok('Fetch completed');
  },
};
