// RFC 3501 §6.4.4 SEARCH (and UID SEARCH, §6.4.8), RFC 4731 ESEARCH, RFC 5182 SEARCHRES, RFC 5032 WITHIN
import { resolveRanges } from '../parser/sequence-set.js';
import type { SequenceSet } from '../parser/types.js';
import { searchMailbox } from '../../../storage/search/evaluate.js';
import { charsetSupported, effectiveOptions, esearchLine, savedResult, searchLine, searchQuery } from '../search/index.js';
import { ok, SELECTED } from './helpers.js';
import type { ImapCommandSpec, ImapSession } from './types.js';

/**
 * A sequence set as UIDs for SEARCH: unlike FETCH, numbers past the end are not an error
 * (`SEARCH 1000` on a small mailbox finds nothing); `$` is the saved result.
 */
export function searchSetResolver(session: ImapSession): (set: SequenceSet, uid: boolean) => ReadonlySet<number> {
  return (set, uid) => {
    const view = session.viewUids;
    if (set.kind === 'saved') return new Set(session.savedSearch);
    const out = new Set<number>();
    if (uid) {
      const pairs = resolveRanges(set.ranges, view.length > 0 ? view[view.length - 1] : 0);
      for (const u of view) if (pairs.some(([lo, hi]) => u >= lo && u <= hi)) out.add(u);
    } else {
      for (const [lo, hi] of resolveRanges(set.ranges, view.length)) for (let s = lo; s <= hi && s <= view.length; s++) out.add(view[s - 1]);
    }
    return out;
  };
}

/** The server's local zone offset (minutes east of UTC) at an instant, DST included. */
export function localZoneOffset(ms: number): number {
  return -new Date(ms).getTimezoneOffset();
}

export const searchCommand: ImapCommandSpec<'SEARCH'> = {
  name: 'SEARCH',
  states: SELECTED,
  expungeAllowed: false,
  capabilities: ['ESEARCH', 'SEARCHRES', 'WITHIN'],
  async run(session, cmd) {
    const args = cmd.args;
    const saving = args.returnOptions?.includes('SAVE') ?? false;
    // RFC 5182 §2.1: a failed SEARCH with SAVE leaves `$` empty.
    const fail = <T>(result: T): T => {
      if (saving) session.savedSearch = [];
      return result;
    };
    if (!charsetSupported(args)) return fail({ status: 'NO', code: 'BADCHARSET (UTF-8 US-ASCII)', text: `Unsupported charset ${args.charset ?? ''}` });
    const mailbox = session.mailbox;
    const query = searchQuery(args, searchSetResolver(session));
    const now = session.deps.now?.() ?? Date.now();
    let uids: number[];
    try {
      uids = await searchMailbox(mailbox, query, {
        maxTextBytes: session.deps.limits.max_message_bytes,
        zoneOffsetMinutes: localZoneOffset,
        now: () => now,
      });
    } catch (err) {
      throw fail(err);
    }
    const matched = uids.filter((u) => session.seqOf(u) > 0);
    const numbers = cmd.uid ? matched : matched.map((u) => session.seqOf(u)).sort((a, b) => a - b);
    if (args.returnOptions === undefined) {
      if (!session.write(searchLine(numbers))) await session.flush();
      return ok('Search completed');
    }
    const options = effectiveOptions(args.returnOptions);
    if (saving) session.savedSearch = savedResult(options, matched);
    const line = esearchLine(cmd.tag, cmd.uid, options, numbers);
    if (line && !session.write(line)) await session.flush();
    return ok('Search completed');
  },
};
