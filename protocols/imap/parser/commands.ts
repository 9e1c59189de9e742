// Parses one complete command (tag, name, arguments) into the typed AST of types.ts.

import { Cursor, ImapSyntaxError, isAstringChar } from './cursor.js';
import type { BufferedLiteral, CursorOptions } from './cursor.js';
import { parseFetchArgs } from './fetch.js';
import { parseListArgs, parseStatusItems } from './list.js';
import { parseSearchArgs } from './search.js';
import { parseSequenceSet } from './sequence-set.js';
import type { CommandArgsMap, CommandName, ExtValue, ImapCommand, SelectParam } from './types.js';

type Handler<N extends CommandName> = (cur: Cursor) => CommandArgsMap[N];
type HandlerMap = { [N in CommandName]: Handler<N> };

const none = (cur: Cursor): Record<string, never> => {
  cur.end();
  return {};
};

function oneMailbox(cur: Cursor): { mailbox: string } {
  cur.sp();
  const mailbox = cur.mailbox();
  cur.end();
  return { mailbox };
}

function setAndMailbox(cur: Cursor): { set: ReturnType<typeof parseSequenceSet>; mailbox: string } {
  cur.sp();
  const set = parseSequenceSet(cur);
  cur.sp();
  const mailbox = cur.mailbox();
  cur.end();
  return { set, mailbox };
}

function isLabelChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x3a;
}

/** tagged-ext-val (RFC 4466): a number, a sequence set or astring, or a parenthesised list of them. */
function parseExtValue(cur: Cursor): ExtValue {
  if (cur.peek() === 0x28) {
    cur.enter();
    const items: ExtValue[] = [];
    if (!cur.tryChar(')')) {
      for (;;) {
        items.push(parseExtValue(cur));
        if (cur.tryChar(')')) break;
        cur.sp();
      }
    }
    cur.exitList();
    return items;
  }
  const s = cur.astring('a parameter value');
  return /^[0-9]+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s;
}

/** SELECT/EXAMINE: mailbox [SP "(" select-param *(SP select-param) ")"]. */
function selectArgs(cur: Cursor): { mailbox: string; params: SelectParam[] } {
  cur.sp();
  const mailbox = cur.mailbox();
  const params: SelectParam[] = [];
  if (cur.trySp()) {
    cur.enter();
    for (;;) {
      const name = cur.chars(isLabelChar, 'a SELECT parameter').toUpperCase();
      const param: SelectParam = { name };
      const v = cur.peek(1);
      if (cur.peek() === 0x20 && (v === 0x28 || v === 0x2a || v === 0x24 || (v >= 0x30 && v <= 0x39))) {
        cur.sp();
        param.value = parseExtValue(cur);
      }
      params.push(param);
      if (cur.tryChar(')')) break;
      cur.sp();
    }
    cur.exitList();
  }
  cur.end();
  return { mailbox, params };
}

/** AUTHENTICATE SP auth-type [SP (base64 / "=")] (RFC 4959 SASL-IR). */
function authenticateArgs(cur: Cursor): CommandArgsMap['AUTHENTICATE'] {
  cur.sp();
  const mechanism = cur.keyword('a SASL mechanism');
  if (!cur.trySp()) {
    cur.end();
    return { mechanism };
  }
  const ir = cur.chars((c) => c !== 0x20, 'an initial response');
  if (ir !== '=' && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(ir)) {
    cur.fail('Invalid base64 in the initial response');
  }
  cur.end();
  return { mechanism, initialResponse: ir };
}

function createArgs(cur: Cursor): CommandArgsMap['CREATE'] {
  cur.sp();
  const mailbox = cur.mailbox();
  const specialUse: string[] = [];
  if (cur.trySp()) {
    cur.enter();
    for (;;) {
      const name = cur.keyword('a CREATE parameter');
      if (name !== 'USE') cur.fail(`Unknown CREATE parameter ${name}`);
      cur.sp();
      for (const flag of cur.flagList()) {
        if (!flag.startsWith('\\')) cur.fail(`Invalid special-use attribute ${flag}`);
        specialUse.push(flag);
      }
      if (cur.tryChar(')')) break;
      cur.sp();
    }
    cur.exitList();
  }
  cur.end();
  return { mailbox, specialUse };
}

function storeArgs(cur: Cursor): CommandArgsMap['STORE'] {
  cur.sp();
  const set = parseSequenceSet(cur);
  cur.sp();
  const item = cur.keyword('FLAGS, +FLAGS or -FLAGS');
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!m) cur.fail(`Unknown STORE data item ${item}`);
  cur.sp();
  let flags: string[];
  if (cur.peek() === 0x28) {
    flags = cur.flagList();
  } else {
    flags = [cur.flag()];
    while (cur.trySp()) flags.push(cur.flag());
  }
  cur.end();
  return { set, operation: m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace', silent: m[2] !== undefined, flags };
}

function idArgs(cur: Cursor): CommandArgsMap['ID'] {
  cur.sp();
  if (cur.peek() !== 0x28) {
    if (cur.keyword('NIL or a list') !== 'NIL') cur.fail('Expected NIL or a parameter list');
    cur.end();
    return { params: null };
  }
  cur.enter();
  const params: Array<[string, string | null]> = [];
  if (!cur.tryChar(')')) {
    for (;;) {
      const key = cur.string();
      cur.sp();
      params.push([key, cur.nstring()]);
      if (cur.tryChar(')')) break;
      cur.sp();
    }
  }
  cur.exitList();
  cur.end();
  return { params };
}

const HANDLERS: HandlerMap = {
  CAPABILITY: none,
  NOOP: none,
  LOGOUT: none,
  STARTTLS: none,
  CHECK: none,
  CLOSE: none,
  UNSELECT: none,
  IDLE: none,
  NAMESPACE: none,
  AUTHENTICATE: authenticateArgs,
  LOGIN: (cur) => {
    cur.sp();
    const username = cur.withUtf8(() => cur.astring('a user name'));
    cur.sp();
    const password = cur.withUtf8(() => cur.astring('a password'));
    cur.end();
    return { username, password };
  },
  SELECT: selectArgs,
  EXAMINE: selectArgs,
  CREATE: createArgs,
  DELETE: oneMailbox,
  SUBSCRIBE: oneMailbox,
  UNSUBSCRIBE: oneMailbox,
  RENAME: (cur) => {
    cur.sp();
    const from = cur.mailbox();
    cur.sp();
    const to = cur.mailbox();
    cur.end();
    return { from, to };
  },
  LIST: parseListArgs,
  LSUB: (cur) => {
    cur.sp();
    const reference = cur.astring('a reference name');
    cur.sp();
    const pattern = cur.listMailbox();
    cur.end();
    return { reference, pattern };
  },
  STATUS: (cur) => {
    cur.sp();
    const mailbox = cur.mailbox();
    cur.sp();
    const items = parseStatusItems(cur);
    cur.end();
    return { mailbox, items };
  },
  // A complete APPEND reaches this handler only when it had no message literal (see parser.ts).
  APPEND: (cur) => {
    cur.sp();
    cur.mailbox();
    if (cur.atEnd()) cur.fail('Missing message literal');
    if (/^ CATENATE\b/i.test(cur.text.toString('latin1', cur.pos, cur.pos + 10))) cur.fail('CATENATE is not supported');
    return cur.fail('APPEND needs a message literal');
  },
  EXPUNGE: none,
  SEARCH: parseSearchArgs,
  FETCH: parseFetchArgs,
  STORE: storeArgs,
  COPY: setAndMailbox,
  MOVE: setAndMailbox,
  ID: idArgs,
  ENABLE: (cur) => {
    const capabilities: string[] = [];
    cur.sp();
    capabilities.push(cur.keyword('a capability'));
    while (cur.trySp()) capabilities.push(cur.keyword('a capability'));
    cur.end();
    return { capabilities };
  },
};

const UID_COMMANDS = new Set<string>(['COPY', 'MOVE', 'FETCH', 'SEARCH', 'STORE', 'EXPUNGE']);

/** The tag of a command line, or undefined if it has none or an invalid one; `spaceAfter` demands the SP that follows it. */
export function readTag(line: Buffer, spaceAfter = false): string | undefined {
  let i = 0;
  while (i < line.length && isAstringChar(line[i]) && line[i] !== 0x2b) i++;
  if (i === 0 || (i < line.length && line[i] !== 0x20) || (spaceAfter && i === line.length)) return undefined;
  return line.toString('latin1', 0, i);
}

/** Result of parsing one command: the AST or an error with the tag if one was readable. */
export type ParseResult = { ok: true; command: ImapCommand } | { ok: false; tag?: string; message: string };

/** Parses one complete command; `text` is the command without CRLFs, `literals` its buffered literals. */
export function parseCommand(text: Buffer, literals: readonly BufferedLiteral[], options: CursorOptions): ParseResult {
  const tag = readTag(text);
  if (tag === undefined) return { ok: false, message: 'Invalid or missing tag' };
  const cur = new Cursor(text, literals, options);
  cur.pos = tag.length;
  try {
    if (cur.atEnd()) return { ok: false, tag, message: 'Missing command' };
    cur.sp();
    let name = cur.keyword('a command name');
    let uid = false;
    if (name === 'UID') {
      uid = true;
      cur.sp();
      name = cur.keyword('a command name after UID');
      if (!UID_COMMANDS.has(name)) return { ok: false, tag, message: `UID ${name} is not a valid command` };
    }
    if (!Object.hasOwn(HANDLERS, name)) return { ok: false, tag, message: `Unknown command ${name}` };
    const commandName = name as CommandName;
    let args: CommandArgsMap[CommandName];
    if (commandName === 'EXPUNGE' && uid) {
      cur.sp();
      const set = parseSequenceSet(cur);
      cur.end();
      args = { set };
    } else {
      args = (HANDLERS[commandName] as Handler<CommandName>)(cur);
    }
    return { ok: true, command: { tag, name: commandName, uid, args } as ImapCommand };
  } catch (err) {
    if (err instanceof ImapSyntaxError) return { ok: false, tag, message: err.message };
    throw err;
  }
}
