// The typed AST produced by the IMAP command parser (RFC 3501 §9 and the extensions in issue 7).
// Strings from the wire are decoded as UTF-8; atoms that name protocol words are upper-cased.

/** One range of a sequence set as the client wrote it (`5:2` stays from 5 to 2; `*` is the largest). */
export interface SeqRange {
  from: number | '*';
  to: number | '*';
}

/** A sequence set: explicit ranges, or `$` (RFC 5182, the result saved by SEARCH RETURN (SAVE)). */
export type SequenceSet = { kind: 'ranges'; ranges: SeqRange[] } | { kind: 'saved' };

/** A date-time (APPEND, INTERNALDATE): the instant and the zone the client gave, in minutes east of UTC. */
export interface ImapDateTime {
  time: Date;
  offsetMinutes: number;
}

/** A calendar date of SEARCH (`1-Feb-1994`), month 1..12. */
export interface SearchDate {
  year: number;
  month: number;
  day: number;
}

/** Flag-only search keys that take no argument. */
export type SearchFlagKeyName =
  | 'ALL'
  | 'ANSWERED'
  | 'DELETED'
  | 'DRAFT'
  | 'FLAGGED'
  | 'NEW'
  | 'OLD'
  | 'RECENT'
  | 'SEEN'
  | 'UNANSWERED'
  | 'UNDELETED'
  | 'UNDRAFT'
  | 'UNFLAGGED'
  | 'UNSEEN';

/** Search keys that take one string. */
export type SearchStringKeyName = 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO';

/** Search keys that take one date (internal date for BEFORE/ON/SINCE, Date: header for SENT*). */
export type SearchDateKeyName = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

/** One search key (RFC 3501 §6.4.4, RFC 5032 WITHIN); AND is a parenthesised list of keys. */
export type SearchKey =
  | { key: SearchFlagKeyName }
  | { key: SearchStringKeyName; value: string }
  | { key: SearchDateKeyName; date: SearchDate }
  | { key: 'KEYWORD' | 'UNKEYWORD'; flag: string }
  | { key: 'HEADER'; field: string; value: string }
  | { key: 'LARGER' | 'SMALLER'; size: number }
  | { key: 'OLDER' | 'YOUNGER'; seconds: number }
  | { key: 'UID'; set: SequenceSet }
  | { key: 'SEQ'; set: SequenceSet }
  | { key: 'NOT'; operand: SearchKey }
  | { key: 'OR'; left: SearchKey; right: SearchKey }
  | { key: 'AND'; operands: SearchKey[] };

/** ESEARCH return options (RFC 4731, RFC 5182 SAVE). */
export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

/** SEARCH arguments; `returnOptions` is undefined without RETURN, `[]` for `RETURN ()` (which means ALL). */
export interface SearchArgs {
  charset?: string;
  returnOptions?: SearchReturnOption[];
  /** The keys, implicitly ANDed. */
  keys: SearchKey[];
}

/** The text part of a section spec; MIME needs a part number. */
export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** A body section `[1.2.HEADER.FIELDS (From)]`; `part` is empty for the whole message. */
export interface Section {
  part: number[];
  text?: SectionText;
  /** Header field names for HEADER.FIELDS and HEADER.FIELDS.NOT, upper-cased. */
  fields?: string[];
}

/** `<offset.length>` of a partial fetch. */
export interface Partial {
  offset: number;
  length: number;
}

/** Fetch attributes that take no section. */
export type FetchSimpleName =
  | 'FLAGS'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'ENVELOPE'
  | 'BODY'
  | 'BODYSTRUCTURE'
  | 'UID'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.TEXT';

/** One fetch attribute. */
export type FetchItem =
  | { type: FetchSimpleName }
  | { type: 'BODY[]'; peek: boolean; section: Section; partial?: Partial }
  | { type: 'BINARY[]'; peek: boolean; part: number[]; partial?: Partial }
  | { type: 'BINARY.SIZE'; part: number[] };

/** FETCH arguments; `macro` records ALL/FAST/FULL, already expanded in `items`. */
export interface FetchArgs {
  set: SequenceSet;
  items: FetchItem[];
  macro?: 'ALL' | 'FAST' | 'FULL';
}

/** STORE arguments: FLAGS (replace), +FLAGS (add), -FLAGS (remove), with .SILENT. */
export interface StoreArgs {
  set: SequenceSet;
  operation: 'replace' | 'add' | 'remove';
  silent: boolean;
  flags: string[];
}

/** STATUS data items (RFC 3501, RFC 8438 SIZE). */
export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'SIZE';

/** LIST selection options (RFC 5258, RFC 6154). */
export type ListSelectionOption = 'SUBSCRIBED' | 'REMOTE' | 'RECURSIVEMATCH' | 'SPECIAL-USE';

/** LIST return options (RFC 5258, RFC 5819 STATUS, RFC 6154 SPECIAL-USE). */
export interface ListReturnOptions {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  status?: StatusItem[];
}

/** LIST arguments; `extended` is true when any RFC 5258 syntax (selection, pattern list, RETURN) was used. */
export interface ListArgs {
  reference: string;
  patterns: string[];
  selection: ListSelectionOption[];
  returnOptions: ListReturnOptions;
  extended: boolean;
}

/** A generic tagged-ext value of RFC 4466 (SELECT parameters): number, atom or string, or list. */
export type ExtValue = string | number | ExtValue[];

/** One SELECT/EXAMINE parameter, name upper-cased. */
export interface SelectParam {
  name: string;
  value?: ExtValue;
}

/** Metadata of one APPEND message; the bytes arrive as `literal-data` events, never here. */
export interface AppendMessage {
  flags: string[];
  date?: ImapDateTime;
  size: number;
  /** True for a BINARY literal8 `~{n}` (RFC 3516). */
  binary: boolean;
}

/** Arguments per command name. */
export interface CommandArgsMap {
  CAPABILITY: Record<string, never>;
  NOOP: Record<string, never>;
  LOGOUT: Record<string, never>;
  STARTTLS: Record<string, never>;
  AUTHENTICATE: { mechanism: string; initialResponse?: string };
  LOGIN: { username: string; password: string };
  SELECT: { mailbox: string; params: SelectParam[] };
  EXAMINE: { mailbox: string; params: SelectParam[] };
  CREATE: { mailbox: string; specialUse: string[] };
  DELETE: { mailbox: string };
  RENAME: { from: string; to: string };
  SUBSCRIBE: { mailbox: string };
  UNSUBSCRIBE: { mailbox: string };
  LIST: ListArgs;
  LSUB: { reference: string; pattern: string };
  STATUS: { mailbox: string; items: StatusItem[] };
  APPEND: { mailbox: string; messages: AppendMessage[] };
  CHECK: Record<string, never>;
  CLOSE: Record<string, never>;
  UNSELECT: Record<string, never>;
  EXPUNGE: { set?: SequenceSet };
  SEARCH: SearchArgs;
  FETCH: FetchArgs;
  STORE: StoreArgs;
  COPY: { set: SequenceSet; mailbox: string };
  MOVE: { set: SequenceSet; mailbox: string };
  IDLE: Record<string, never>;
  NAMESPACE: Record<string, never>;
  ID: { params: Array<[string, string | null]> | null };
  ENABLE: { capabilities: string[] };
}

/** A command name the parser knows. */
export type CommandName = keyof CommandArgsMap;

/** A parsed command: tag, upper-case name, whether it was prefixed by UID, typed arguments. */
export type ImapCommand = {
  [N in CommandName]: { tag: string; name: N; uid: boolean; args: CommandArgsMap[N] };
}[CommandName];

/** A command of one given name. */
export type CommandOf<N extends CommandName> = Extract<ImapCommand, { name: N }>;

/** Header of an APPEND message literal, announced before its bytes. */
export interface AppendMessageEvent {
  kind: 'append-message';
  tag: string;
  mailbox: string;
  /** 0 for the first message of a MULTIAPPEND. */
  index: number;
  message: AppendMessage;
  /** True for `{n}`: a `continuation-needed` event follows and the session may `rejectLiteral()`. */
  synchronizing: boolean;
}

/** What `ImapParser.next()` returns. */
export type ParserEvent =
  | { kind: 'command'; command: ImapCommand }
  | { kind: 'need-more' }
  | { kind: 'continuation-needed'; size: number; tag: string }
  | AppendMessageEvent
  | { kind: 'literal-data'; chunk: Buffer }
  | { kind: 'literal-end' }
  | { kind: 'line'; line: Buffer }
  | ParserErrorEvent;

/** A parse error; `fatal` means the stream cannot be resynchronised (answer `* BYE` and close). */
export interface ParserErrorEvent {
  kind: 'error';
  tag?: string;
  message: string;
  fatal: boolean;
  /** Response code for the answer, e.g. TOOBIG. */
  code?: 'TOOBIG' | 'CLIENTBUG';
}
