// SEARCH arguments: RFC 3501 §6.4.4 keys, RFC 4731 ESEARCH RETURN options, RFC 5182 `$`, RFC 5032 WITHIN.

import type { Cursor } from './cursor.js';
import { parseSearchDate } from './dates.js';
import { parseSequenceSet } from './sequence-set.js';
import type {
  SearchArgs,
  SearchDateKeyName,
  SearchFlagKeyName,
  SearchKey,
  SearchReturnOption,
  SearchStringKeyName,
} from './types.js';

const FLAG_KEYS = new Set<string>([
  'ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN',
  'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN',
]);
const STRING_KEYS = new Set<string>(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);
const DATE_KEYS = new Set<string>(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);
const RETURN_OPTIONS = new Set<string>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']);

/** Reads one search key, recursing into NOT, OR and parenthesised lists (bounded by the cursor's nesting limit). */
export function parseSearchKey(cur: Cursor): SearchKey {
  const c = cur.peek();
  if (c === 0x28) {
    cur.enter();
    const operands: SearchKey[] = [parseSearchKey(cur)];
    while (cur.trySp()) operands.push(parseSearchKey(cur));
    cur.leave();
    return { key: 'AND', operands };
  }
  if ((c >= 0x30 && c <= 0x39) || c === 0x2a || c === 0x24) {
    return { key: 'SEQ', set: parseSequenceSet(cur) };
  }
  if (c === -1) cur.fail('Missing search key');
  const name = cur.keyword('a search key');
  if (FLAG_KEYS.has(name)) return { key: name as SearchFlagKeyName };
  if (STRING_KEYS.has(name)) {
    cur.sp();
    return { key: name as SearchStringKeyName, value: cur.astring() };
  }
  if (DATE_KEYS.has(name)) {
    cur.sp();
    return { key: name as SearchDateKeyName, date: parseSearchDate(cur) };
  }
  switch (name) {
    case 'KEYWORD':
    case 'UNKEYWORD':
      cur.sp();
      return { key: name, flag: cur.flag() };
    case 'HEADER': {
      cur.sp();
      const field = cur.astring('a header field name');
      cur.sp();
      return { key: 'HEADER', field, value: cur.astring() };
    }
    case 'LARGER':
    case 'SMALLER':
      cur.sp();
      return { key: name, size: cur.bigNumber('a size') };
    case 'OLDER':
    case 'YOUNGER':
      cur.sp();
      return { key: name, seconds: cur.nzNumber('a number of seconds') };
    case 'UID':
      cur.sp();
      return { key: 'UID', set: parseSequenceSet(cur) };
    case 'NOT':
      cur.sp();
      return { key: 'NOT', operand: parseNested(cur) };
    case 'OR': {
      cur.sp();
      const left = parseNested(cur);
      cur.sp();
      return { key: 'OR', left, right: parseNested(cur) };
    }
    default:
      return cur.fail(`Unknown search key ${name}`);
  }
}

/** NOT and OR nest without parentheses; count them against the nesting limit too. */
function parseNested(cur: Cursor): SearchKey {
  cur.depthGuard(1);
  try {
    return parseSearchKey(cur);
  } finally {
    cur.depthGuard(-1);
  }
}

/** search = "SEARCH" [SP "RETURN" SP "(" options ")"] [SP "CHARSET" SP astring] 1*(SP search-key); after the name. */
export function parseSearchArgs(cur: Cursor): SearchArgs {
  const args: SearchArgs = { keys: [] };
  cur.sp();
  const save = cur.pos;
  const first = cur.peek() === 0x28 ? '' : readWord(cur);
  if (first === 'RETURN') {
    cur.sp();
    cur.enter();
    const options: SearchReturnOption[] = [];
    if (!cur.tryChar(')')) {
      for (;;) {
        const opt = cur.keyword('a RETURN option');
        if (!RETURN_OPTIONS.has(opt)) cur.fail(`Unknown SEARCH RETURN option ${opt}`);
        if (!options.includes(opt as SearchReturnOption)) options.push(opt as SearchReturnOption);
        if (cur.tryChar(')')) break;
        cur.sp();
      }
      cur.exitList();
    } else {
      cur.exitList();
    }
    args.returnOptions = options;
    cur.sp();
  } else {
    cur.pos = save;
  }
  const save2 = cur.pos;
  if (readWord(cur) === 'CHARSET') {
    cur.sp();
    args.charset = cur.astring('a charset');
    cur.sp();
  } else {
    cur.pos = save2;
  }
  args.keys.push(parseSearchKey(cur));
  while (cur.trySp()) args.keys.push(parseSearchKey(cur));
  cur.end();
  return args;
}

function readWord(cur: Cursor): string {
  const start = cur.pos;
  while (cur.pos < cur.text.length && ((cur.peek() | 0x20) >= 0x61 && (cur.peek() | 0x20) <= 0x7a)) cur.pos++;
  return cur.text.toString('latin1', start, cur.pos).toUpperCase();
}
