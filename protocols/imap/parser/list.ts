// LIST (RFC 3501 §6.3.8 with RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE) and STATUS items.

import type { Cursor } from './cursor.js';
import type { ListArgs, ListReturnOptions, ListSelectionOption, StatusItem } from './types.js';

const SELECTION = new Set<string>(['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE']);
const STATUS_ITEMS = new Set<string>(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE']);

/** "(" status-att *(SP status-att) ")" — at least one item, upper-cased, no duplicates. */
export function parseStatusItems(cur: Cursor): StatusItem[] {
  cur.enter();
  const items: StatusItem[] = [];
  for (;;) {
    const item = cur.keyword('a status item');
    if (!STATUS_ITEMS.has(item)) cur.fail(`Unknown status item ${item}`);
    if (!items.includes(item as StatusItem)) items.push(item as StatusItem);
    if (cur.tryChar(')')) break;
    cur.sp();
  }
  cur.exitList();
  return items;
}

function parseSelection(cur: Cursor): ListSelectionOption[] {
  cur.enter();
  const options: ListSelectionOption[] = [];
  if (!cur.tryChar(')')) {
    for (;;) {
      const opt = cur.keyword('a LIST selection option');
      if (!SELECTION.has(opt)) cur.fail(`Unknown LIST selection option ${opt}`);
      if (!options.includes(opt as ListSelectionOption)) options.push(opt as ListSelectionOption);
      if (cur.tryChar(')')) break;
      cur.sp();
    }
  }
  cur.exitList();
  if (options.includes('RECURSIVEMATCH') && !options.includes('SUBSCRIBED') && !options.includes('SPECIAL-USE')) {
    cur.fail('RECURSIVEMATCH needs another selection option such as SUBSCRIBED');
  }
  return options;
}

function parseReturn(cur: Cursor, into: ListReturnOptions): void {
  cur.enter();
  if (cur.tryChar(')')) {
    cur.exitList();
    return;
  }
  for (;;) {
    const opt = cur.keyword('a LIST return option');
    switch (opt) {
      case 'SUBSCRIBED':
        into.subscribed = true;
        break;
      case 'CHILDREN':
        into.children = true;
        break;
      case 'SPECIAL-USE':
        into.specialUse = true;
        break;
      case 'STATUS':
        cur.sp();
        into.status = parseStatusItems(cur);
        break;
      default:
        cur.fail(`Unknown LIST return option ${opt}`);
    }
    if (cur.tryChar(')')) break;
    cur.sp();
  }
  cur.exitList();
}

/** list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]; after the name. */
export function parseListArgs(cur: Cursor): ListArgs {
  const args: ListArgs = {
    reference: '',
    patterns: [],
    selection: [],
    returnOptions: { subscribed: false, children: false, specialUse: false },
    extended: false,
  };
  cur.sp();
  if (cur.peek() === 0x28) {
    args.selection = parseSelection(cur);
    args.extended = true;
    cur.sp();
  }
  args.reference = cur.astring('a reference name');
  cur.sp();
  if (cur.peek() === 0x28) {
    args.extended = true;
    cur.enter();
    args.patterns.push(cur.listMailbox());
    while (cur.trySp()) args.patterns.push(cur.listMailbox());
    cur.leave();
  } else {
    args.patterns.push(cur.listMailbox());
  }
  if (cur.trySp()) {
    const word = cur.keyword('RETURN');
    if (word !== 'RETURN') cur.fail(`Expected RETURN, got ${word}`);
    cur.sp();
    args.extended = true;
    parseReturn(cur, args.returnOptions);
  }
  cur.end();
  if (args.selection.includes('SUBSCRIBED')) args.returnOptions.subscribed = true;
  return args;
}
