// RFC 3501 §6.3.8 LIST, with RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE, RFC 3348 CHILDREN
import type { MailboxListEntry } from '../../../storage/types.js';
import { encodeString, paren, untagged } from '../encode/index.js';
import type { Part } from '../encode/index.js';
import { joinReference, patternMatcher } from './list-match.js';
import { LOGGED_IN, mailboxToWire, ok, patternFromWire, storeOf } from './helpers.js';
import { statusLine } from './status-items.js';
import type { ImapCommandSpec } from './types.js';

/** The attributes of one LIST reply line. */
function attributes(e: MailboxListEntry, opts: { subscribed: boolean; nonexistent: boolean; specialUse: boolean }): string[] {
  const out: string[] = [];
  // \NonExistent implies \Noselect, which is then left out (RFC 5258 §3).
  if (opts.nonexistent) out.push('\\NonExistent');
  else if (e.noselect) out.push('\\Noselect');
  if (e.noinferiors) out.push('\\NoInferiors');
  else if (!opts.nonexistent) out.push(e.hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  if (opts.subscribed && e.subscribed) out.push('\\Subscribed');
  // RFC 6154 §1: special-use attributes MAY be sent without RETURN (SPECIAL-USE); clients want them.
  if (opts.specialUse && e.specialUse) out.push(`\\${e.specialUse}`);
  return out;
}

export const listCommand: ImapCommandSpec<'LIST'> = {
  name: 'LIST',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session, cmd) {
    const store = storeOf(session);
    const delim = store.delimiter;
    const args = cmd.args;
    const reference = patternFromWire(session, args.reference);
    if (reference === null) return ok('List completed');
    const patterns = args.patterns.map((p) => patternFromWire(session, p)).filter((p): p is string => p !== null);
    // An empty pattern asks for the delimiter and the root of the reference (RFC 3501 §6.3.8).
    if (patterns.length === 1 && patterns[0] === '' && !args.extended) {
      const root = reference.includes(delim) ? reference.slice(0, reference.indexOf(delim) + 1) : '';
      session.write(untagged('LIST', paren(['\\Noselect']), encodeString(delim), encodeString(root)));
      return ok('List completed');
    }
    const matchers = patterns.filter((p) => p !== '').map((p) => patternMatcher(joinReference(reference, p, delim), delim));
    const matches = (name: string): boolean => matchers.some((m) => m(name));
    const bySubscription = args.selection.includes('SUBSCRIBED');
    const specialOnly = args.selection.includes('SPECIAL-USE');
    const recursive = args.selection.includes('RECURSIVEMATCH');
    const all = await store.list();
    const existing = new Map(all.map((e) => [e.name, e]));
    let entries: Array<{ entry: MailboxListEntry; nonexistent: boolean; childInfo: boolean }>;
    if (bySubscription) {
      const subs = await store.list({ subscribedOnly: true });
      const subNames = new Set(subs.map((e) => e.name));
      entries = subs.map((e) => ({ entry: existing.get(e.name) ?? e, nonexistent: !existing.has(e.name), childInfo: false }));
      if (recursive) {
        // RFC 5258 §3.5: a mailbox gets CHILDINFO ("SUBSCRIBED") when a subscribed descendant
        // exists that the patterns do not match (so the client would not see it otherwise).
        const hidden = [...subNames].filter((n) => !matches(n));
        const hasHiddenChild = (name: string): boolean => hidden.some((h) => h.startsWith(name + delim));
        for (const x of entries) x.childInfo = hasHiddenChild(x.entry.name);
        for (const e of all) if (!subNames.has(e.name) && hasHiddenChild(e.name)) entries.push({ entry: e, nonexistent: false, childInfo: true });
      }
    } else {
      entries = all.map((e) => ({ entry: e, nonexistent: false, childInfo: false }));
    }
    const want = args.returnOptions;
    const showSubscribed = want.subscribed || bySubscription;
    for (const { entry, nonexistent, childInfo } of entries) {
      if (!matches(entry.name)) continue;
      if (specialOnly && !entry.specialUse) continue;
      const attrs = attributes(entry, { subscribed: showSubscribed, nonexistent, specialUse: true });
      const parts: Part[] = ['LIST', paren(attrs), encodeString(entry.delimiter), mailboxToWire(session, entry.name)];
      if (childInfo && recursive) parts.push('("CHILDINFO" ("SUBSCRIBED"))');
      if (!session.write(untagged(...parts))) await session.flush();
      if (want.status && want.status.length > 0 && !entry.noselect && !nonexistent) {
        try {
          const status = await store.status(entry.name);
          session.write(statusLine(mailboxToWire(session, entry.name), status, want.status));
        } catch (err) {
          session.log.debug({ err, mailbox: entry.name }, 'imap LIST-STATUS skipped a mailbox');
        }
      }
    }
    return ok('List completed');
  },
};
