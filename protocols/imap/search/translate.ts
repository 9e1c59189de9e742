// IMAP SEARCH keys (RFC 3501 §6.4.4, RFC 5032 WITHIN, RFC 5182 `$`) as the protocol-neutral
// storage query. Sequence sets are turned into UID sets here, through a resolver the caller
// gives (the session's numbering), so storage never sees a sequence number.

import type { SearchQuery } from '../../../storage/search/query.js';
import type { SearchArgs, SearchKey, SequenceSet } from '../parser/types.js';

/** Maps sequence sets to UIDs: `uid` says whether the set holds UIDs or sequence numbers. */
export type SetResolver = (set: SequenceSet, uid: boolean) => ReadonlySet<number>;

/** Charsets SEARCH accepts (anything else: `NO [BADCHARSET (UTF-8 US-ASCII)]`). */
export const SEARCH_CHARSETS = ['UTF-8', 'US-ASCII'] as const;

/** True when the CHARSET argument (if any) is one we search in. */
export function charsetSupported(args: SearchArgs): boolean {
  return args.charset === undefined || (SEARCH_CHARSETS as readonly string[]).includes(args.charset.toUpperCase());
}

const flag = (name: 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft', set: boolean): SearchQuery => ({ kind: 'flag', flag: name, set });

/** One key as a query. */
export function keyToQuery(key: SearchKey, resolve: SetResolver): SearchQuery {
  switch (key.key) {
    case 'ALL':
      return { kind: 'all' };
    case 'ANSWERED':
      return flag('answered', true);
    case 'UNANSWERED':
      return flag('answered', false);
    case 'DELETED':
      return flag('deleted', true);
    case 'UNDELETED':
      return flag('deleted', false);
    case 'DRAFT':
      return flag('draft', true);
    case 'UNDRAFT':
      return flag('draft', false);
    case 'FLAGGED':
      return flag('flagged', true);
    case 'UNFLAGGED':
      return flag('flagged', false);
    case 'SEEN':
      return flag('seen', true);
    case 'UNSEEN':
      return flag('seen', false);
    case 'RECENT':
      return { kind: 'recent', set: true };
    case 'OLD':
      return { kind: 'recent', set: false };
    case 'NEW':
      return { kind: 'and', operands: [{ kind: 'recent', set: true }, flag('seen', false)] };
    case 'BCC':
    case 'CC':
    case 'FROM':
    case 'TO':
    case 'SUBJECT':
      return { kind: 'header', field: key.key.toLowerCase(), value: key.value };
    case 'BODY':
      return { kind: 'body', value: key.value };
    case 'TEXT':
      return { kind: 'text', value: key.value };
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
      return { kind: 'internal-date', comparison: key.key === 'BEFORE' ? 'before' : key.key === 'ON' ? 'on' : 'since', date: key.date };
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE':
      return { kind: 'sent-date', comparison: key.key === 'SENTBEFORE' ? 'before' : key.key === 'SENTON' ? 'on' : 'since', date: key.date };
    case 'KEYWORD':
      return { kind: 'keyword', keyword: key.flag, set: true };
    case 'UNKEYWORD':
      return { kind: 'keyword', keyword: key.flag, set: false };
    case 'HEADER':
      return { kind: 'header', field: key.field, value: key.value };
    case 'LARGER':
      return { kind: 'size', comparison: 'larger', size: key.size };
    case 'SMALLER':
      return { kind: 'size', comparison: 'smaller', size: key.size };
    case 'OLDER':
      return { kind: 'age', comparison: 'older', seconds: key.seconds };
    case 'YOUNGER':
      return { kind: 'age', comparison: 'younger', seconds: key.seconds };
    case 'UID':
      return { kind: 'uid', uids: resolve(key.set, true) };
    case 'SEQ':
      return { kind: 'uid', uids: resolve(key.set, false) };
    case 'NOT':
      return { kind: 'not', operand: keyToQuery(key.operand, resolve) };
    case 'OR':
      return { kind: 'or', operands: [keyToQuery(key.left, resolve), keyToQuery(key.right, resolve)] };
    case 'AND':
      return { kind: 'and', operands: key.operands.map((k) => keyToQuery(k, resolve)) };
  }
}

/** The keys of a SEARCH command (implicitly ANDed) as one query. */
export function searchQuery(args: SearchArgs, resolve: SetResolver): SearchQuery {
  if (args.keys.length === 1) return keyToQuery(args.keys[0], resolve);
  return { kind: 'and', operands: args.keys.map((k) => keyToQuery(k, resolve)) };
}
