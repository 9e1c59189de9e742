// Table-driven tests of every command's grammar; each input is fed whole and in chunks of 1 … 512 bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAllChunkings } from './harness.js';
import type { Observed } from './harness.js';

interface Row {
  name: string;
  input: string;
  args?: unknown;
  /** Expected command name when it differs from the input's, and the UID flag. */
  command?: string;
  uid?: boolean;
  /** For rows that must fail: a fragment of the error message. */
  error?: string;
}

const set = (...ranges: Array<[number | '*', number | '*']>) => ({ kind: 'ranges', ranges: ranges.map(([from, to]) => ({ from, to })) });
const noListOpts = { subscribed: false, children: false, specialUse: false };

const rows: Row[] = [
  // Any state
  { name: 'CAPABILITY takes no arguments', input: 'a CAPABILITY', args: {} },
  { name: 'command names are case-insensitive', input: 'a noop', command: 'NOOP', args: {} },
  { name: 'LOGOUT', input: 'a LOGOUT', args: {} },
  { name: 'STARTTLS', input: 'a STARTTLS', args: {} },
  { name: 'NOOP with arguments is an error', input: 'a NOOP x', error: 'Unexpected extra arguments' },
  // Authentication
  { name: 'AUTHENTICATE with mechanism only', input: 'a AUTHENTICATE plain', args: { mechanism: 'PLAIN' } },
  { name: 'AUTHENTICATE with SASL-IR', input: 'a AUTHENTICATE PLAIN AHVzZXIAcGFzcw==', args: { mechanism: 'PLAIN', initialResponse: 'AHVzZXIAcGFzcw==' } },
  { name: 'AUTHENTICATE with empty initial response', input: 'a AUTHENTICATE EXTERNAL =', args: { mechanism: 'EXTERNAL', initialResponse: '=' } },
  { name: 'AUTHENTICATE with bad base64', input: 'a AUTHENTICATE PLAIN abc*', error: 'Invalid base64' },
  { name: 'LOGIN with atoms', input: 'a LOGIN joe secret', args: { username: 'joe', password: 'secret' } },
  { name: 'LOGIN with quoted escapes', input: 'a LOGIN "j o\\"e" "p\\\\w"', args: { username: 'j o"e', password: 'p\\w' } },
  { name: 'LOGIN with a literal password', input: 'a LOGIN joe {4+}\r\np w"', args: { username: 'joe', password: 'p w"' } },
  { name: 'LOGIN missing password', input: 'a LOGIN joe', error: 'Missing arguments' },
  { name: 'LOGIN with bad escape', input: 'a LOGIN "a\\b" x', error: 'Invalid escape' },
  { name: 'LOGIN with unterminated quote', input: 'a LOGIN "abc', error: 'Unterminated quoted string' },
  { name: 'LOGIN accepts quoted UTF-8 credentials (as imapflow sends them)', input: Buffer.from('a LOGIN "jöe" "pässword"', 'utf8').toString('latin1'), args: { username: 'jöe', password: 'pässword' } },
  { name: 'LOGIN with invalid UTF-8 in a quoted string', input: 'a LOGIN "j\xe9" x', error: 'Invalid UTF-8' },
  { name: 'other commands refuse 8-bit quoted strings before UTF8=ACCEPT', input: Buffer.from('a SUBSCRIBE "jöe"', 'utf8').toString('latin1'), error: '8-bit character' },
  // Mailboxes
  { name: 'SELECT normalises inbox', input: 'a SELECT inbox', args: { mailbox: 'INBOX', params: [] } },
  { name: 'SELECT with parameters', input: 'a SELECT "Sent Items" (CONDSTORE QRESYNC (67890007 20050715194045000 41,43:211))', args: { mailbox: 'Sent Items', params: [{ name: 'CONDSTORE' }, { name: 'QRESYNC', value: [67890007, '20050715194045000', '41,43:211'] }] } },
  { name: 'EXAMINE', input: 'a EXAMINE Archive/2024', args: { mailbox: 'Archive/2024', params: [] } },
  { name: 'CREATE', input: 'a CREATE "a b"', args: { mailbox: 'a b', specialUse: [] } },
  { name: 'CREATE with USE', input: 'a CREATE MyDrafts (USE (\\Drafts \\Sent))', args: { mailbox: 'MyDrafts', specialUse: ['\\Drafts', '\\Sent'] } },
  { name: 'CREATE with unknown parameter', input: 'a CREATE x (FOO 1)', error: 'Unknown CREATE parameter FOO' },
  { name: 'DELETE', input: 'a DELETE x', args: { mailbox: 'x' } },
  { name: 'RENAME', input: 'a RENAME old {3}\r\nnew', args: { from: 'old', to: 'new' } },
  { name: 'SUBSCRIBE', input: 'a SUBSCRIBE x]y', args: { mailbox: 'x]y' } },
  { name: 'UNSUBSCRIBE', input: 'a UNSUBSCRIBE "x"', args: { mailbox: 'x' } },
  { name: 'a mailbox atom cannot hold a wildcard', input: 'a DELETE x*', error: 'Unexpected extra arguments' },
  { name: 'LIST basic', input: 'a LIST "" *', args: { reference: '', patterns: ['*'], selection: [], returnOptions: noListOpts, extended: false } },
  { name: 'LIST with atom pattern chars', input: 'a LIST "" !#$&\'+,-.0123456789:;<=>?@^_`|[}%*', args: { reference: '', patterns: ["!#$&'+,-.0123456789:;<=>?@^_`|[}%*"], selection: [], returnOptions: noListOpts, extended: false } },
  { name: 'LIST ~foo is an atom, not a literal8', input: 'a LIST "" ~foo', args: { reference: '', patterns: ['~foo'], selection: [], returnOptions: noListOpts, extended: false } },
  { name: 'LIST extended', input: 'a LIST (SUBSCRIBED RECURSIVEMATCH SPECIAL-USE) ref (a% "b c") RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN SIZE))', args: { reference: 'ref', patterns: ['a%', 'b c'], selection: ['SUBSCRIBED', 'RECURSIVEMATCH', 'SPECIAL-USE'], returnOptions: { subscribed: true, children: true, specialUse: true, status: ['MESSAGES', 'UNSEEN', 'SIZE'] }, extended: true } },
  { name: 'LIST with empty RETURN', input: 'a LIST "" % RETURN ()', args: { reference: '', patterns: ['%'], selection: [], returnOptions: noListOpts, extended: true } },
  { name: 'LIST unknown selection option', input: 'a LIST (imaptest) "" ""', error: 'Unknown LIST selection option IMAPTEST' },
  { name: 'LIST RECURSIVEMATCH alone', input: 'a LIST (recursivematch) "" ""', error: 'RECURSIVEMATCH' },
  { name: 'LIST RECURSIVEMATCH with REMOTE only', input: 'a LIST (recursivematch remote) "" ""', error: 'RECURSIVEMATCH' },
  { name: 'LIST unknown return option', input: 'a LIST "" "" return (imaptest)', error: 'Unknown LIST return option IMAPTEST' },
  { name: 'LIST unknown status item', input: 'a LIST "" "" return (status (foo))', error: 'Unknown status item FOO' },
  { name: 'LSUB', input: 'a LSUB "" %', args: { reference: '', pattern: '%' } },
  { name: 'STATUS', input: 'a STATUS INBOX (messages recent uidnext uidvalidity unseen size)', args: { mailbox: 'INBOX', items: ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE'] } },
  { name: 'STATUS with empty list', input: 'a STATUS INBOX ()', error: 'Expected a status item' },
  { name: 'STATUS unknown item', input: 'a STATUS INBOX (HIGHESTMODSEQ)', error: 'Unknown status item' },
  { name: 'APPEND without literal', input: 'a APPEND INBOX', error: 'Missing message literal' },
  { name: 'APPEND with CATENATE', input: 'a APPEND INBOX CATENATE (URL "/x")', error: 'CATENATE is not supported' },
  { name: 'NAMESPACE', input: 'a NAMESPACE', args: {} },
  { name: 'ID NIL', input: 'a ID NIL', args: { params: null } },
  { name: 'ID with parameters', input: 'a ID ("name" "sodr" "version" NIL)', args: { params: [['name', 'sodr'], ['version', null]] } },
  { name: 'ID with atom key is an error', input: 'a ID (name "x")', error: 'Expected a string' },
  { name: 'ENABLE', input: 'a ENABLE utf8=accept CONDSTORE', args: { capabilities: ['UTF8=ACCEPT', 'CONDSTORE'] } },
  { name: 'ENABLE without capability', input: 'a ENABLE', error: 'Missing arguments' },
  { name: 'IDLE', input: 'a IDLE', args: {} },
  // Selected state
  { name: 'CHECK', input: 'a CHECK', args: {} },
  { name: 'CLOSE', input: 'a CLOSE', args: {} },
  { name: 'UNSELECT', input: 'a UNSELECT', args: {} },
  { name: 'EXPUNGE', input: 'a EXPUNGE', args: {} },
  { name: 'UID EXPUNGE', input: 'a UID EXPUNGE 3:5,9', command: 'EXPUNGE', uid: true, args: { set: set([3, 5], [9, 9]) } },
  { name: 'UID EXPUNGE without set', input: 'a UID EXPUNGE', error: 'Missing arguments' },
  { name: 'UID with a non-UID command', input: 'a UID NOOP', error: 'UID NOOP is not a valid command' },
  { name: 'COPY', input: 'a COPY 2:4 MEETING', args: { set: set([2, 4]), mailbox: 'MEETING' } },
  { name: 'UID COPY', input: 'a UID COPY 5:* "x y"', command: 'COPY', uid: true, args: { set: set([5, '*']), mailbox: 'x y' } },
  { name: 'MOVE with $', input: 'a MOVE $ Trash', args: { set: { kind: 'saved' }, mailbox: 'Trash' } },
  { name: 'UID MOVE', input: 'a uid move 1 inbox', command: 'MOVE', uid: true, args: { set: set([1, 1]), mailbox: 'INBOX' } },
  { name: 'STORE +FLAGS list', input: 'a STORE 2:4 +FLAGS (\\Deleted $Forwarded)', args: { set: set([2, 4]), operation: 'add', silent: false, flags: ['\\Deleted', '$Forwarded'] } },
  { name: 'STORE -FLAGS.SILENT bare flags', input: 'a STORE 1 -flags.silent \\Seen foo', args: { set: set([1, 1]), operation: 'remove', silent: true, flags: ['\\Seen', 'foo'] } },
  { name: 'STORE FLAGS empty list', input: 'a UID STORE 1:* FLAGS ()', command: 'STORE', uid: true, args: { set: set([1, '*']), operation: 'replace', silent: false, flags: [] } },
  { name: 'STORE NIL is a keyword', input: 'a STORE 1 +FLAGS NIL', args: { set: set([1, 1]), operation: 'add', silent: false, flags: ['NIL'] } },
  { name: 'STORE unknown item', input: 'a STORE 1 LABELS (x)', error: 'Unknown STORE data item' },
  { name: 'STORE bad flag', input: 'a STORE 1 FLAGS (\\)', error: 'Expected a flag name' },
  // Sequence sets
  { name: 'sequence set with ranges in any order', input: 'a COPY 5:2,*:1,7 x', args: { set: set([5, 2], ['*', 1], [7, 7]), mailbox: 'x' } },
  { name: 'sequence set with 0', input: 'a COPY 0 x', error: '0 is not a valid message number' },
  { name: 'sequence set with 0 in a range', input: 'a COPY 1:0 x', error: '0 is not a valid message number' },
  { name: 'sequence set with empty element', input: 'a COPY 1,,2 x', error: 'Invalid sequence set' },
  { name: 'sequence set with trailing comma', input: 'a COPY 1, x', error: 'Invalid sequence set' },
  { name: 'sequence set number too large', input: 'a COPY 4294967296 x', error: 'Number too large' },
  { name: 'sequence set max UID', input: 'a COPY 1:4294967295 x', args: { set: set([1, 4294967295]), mailbox: 'x' } },
  { name: '$ cannot be combined', input: 'a COPY $,1 x', error: 'Expected a space' },
  // FETCH
  { name: 'FETCH macro ALL', input: 'a FETCH 1 all', args: { set: set([1, 1]), macro: 'ALL', items: [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }, { type: 'ENVELOPE' }] } },
  { name: 'FETCH macro FAST', input: 'a FETCH 1 FAST', args: { set: set([1, 1]), macro: 'FAST', items: [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }] } },
  { name: 'FETCH macro FULL', input: 'a FETCH 1 FULL', args: { set: set([1, 1]), macro: 'FULL', items: [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }, { type: 'ENVELOPE' }, { type: 'BODY' }] } },
  { name: 'FETCH macro inside a list is an error', input: 'a FETCH 1 (ALL)', error: 'Unknown fetch attribute ALL' },
  { name: 'FETCH simple attributes', input: 'a UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE RFC822 RFC822.HEADER RFC822.TEXT)', command: 'FETCH', uid: true, args: { set: set([1, '*']), items: ['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'].map((type) => ({ type })) } },
  { name: 'FETCH BODY[] and BODY.PEEK[TEXT]<partial>', input: 'a FETCH 1 (body[] body.peek[text]<5.3>)', args: { set: set([1, 1]), items: [{ type: 'BODY[]', peek: false, section: { part: [] } }, { type: 'BODY[]', peek: true, section: { part: [], text: 'TEXT' }, partial: { offset: 5, length: 3 } }] } },
  { name: 'FETCH single section without parens', input: 'a FETCH 1 body.peek[header.fields (from subject X-foo)]', args: { set: set([1, 1]), items: [{ type: 'BODY[]', peek: true, section: { part: [], text: 'HEADER.FIELDS', fields: ['FROM', 'SUBJECT', 'X-FOO'] } }] } },
  { name: 'FETCH nested part sections', input: 'a FETCH 1 (BODY[1.2.3] BODY[2.MIME] BODY[1.1.HEADER] BODY.PEEK[2.HEADER.FIELDS.NOT ("Date")] BODY[3.TEXT])', args: { set: set([1, 1]), items: [
    { type: 'BODY[]', peek: false, section: { part: [1, 2, 3] } },
    { type: 'BODY[]', peek: false, section: { part: [2], text: 'MIME' } },
    { type: 'BODY[]', peek: false, section: { part: [1, 1], text: 'HEADER' } },
    { type: 'BODY[]', peek: true, section: { part: [2], text: 'HEADER.FIELDS.NOT', fields: ['DATE'] } },
    { type: 'BODY[]', peek: false, section: { part: [3], text: 'TEXT' } },
  ] } },
  { name: 'FETCH BINARY items', input: 'a FETCH 1 (BINARY[] BINARY.PEEK[1.2]<0.10> BINARY.SIZE[2])', args: { set: set([1, 1]), items: [{ type: 'BINARY[]', peek: false, part: [] }, { type: 'BINARY[]', peek: true, part: [1, 2], partial: { offset: 0, length: 10 } }, { type: 'BINARY.SIZE', part: [2] }] } },
  { name: 'FETCH MIME without part', input: 'a FETCH 1 BODY[MIME]', error: 'MIME needs a part number' },
  { name: 'FETCH BINARY with section text', input: 'a FETCH 1 BINARY[1.TEXT]', error: '"]" closing the binary section' },
  { name: 'FETCH part number 0', input: 'a FETCH 1 BODY[0]', error: 'Invalid a part number' },
  { name: 'FETCH unknown section', input: 'a FETCH 1 BODY[FOO]', error: 'Unknown section FOO' },
  { name: 'FETCH HEADER.FIELDS without list', input: 'a FETCH 1 BODY[HEADER.FIELDS]', error: 'Expected a space' },
  { name: 'FETCH partial without length', input: 'a FETCH 1 BODY[]<5>', error: 'partial range' },
  { name: 'FETCH partial with zero length', input: 'a FETCH 1 BODY[]<5.0>', error: 'partial length' },
  { name: 'FETCH unknown attribute', input: 'a FETCH 1 (FLAGS FOO)', error: 'Unknown fetch attribute FOO' },
  { name: 'FETCH unbalanced list', input: 'a FETCH 1 (FLAGS UID', error: 'Expected ")"' },
  { name: 'FETCH empty list', input: 'a FETCH 1 ()', error: 'Expected a fetch attribute' },
  { name: 'FETCH missing items', input: 'a FETCH 1', error: 'Missing arguments' },
  { name: 'FETCH BODY.PEEK without section', input: 'a FETCH 1 BODY.PEEK', error: 'needs a section' },
  // SEARCH
  { name: 'SEARCH every flag key', input: 'a SEARCH ALL ANSWERED DELETED DRAFT FLAGGED NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN', args: { keys: ['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN', 'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN'].map((key) => ({ key })) } },
  { name: 'SEARCH string keys', input: 'a SEARCH BCC a CC "b c" FROM {1+}\r\nd SUBJECT NIL TEXT "" TO x BODY y', args: { keys: [{ key: 'BCC', value: 'a' }, { key: 'CC', value: 'b c' }, { key: 'FROM', value: 'd' }, { key: 'SUBJECT', value: 'NIL' }, { key: 'TEXT', value: '' }, { key: 'TO', value: 'x' }, { key: 'BODY', value: 'y' }] } },
  { name: 'SEARCH date keys', input: 'a SEARCH BEFORE 1-Feb-1994 ON "29-feb-2000" SINCE 31-Dec-1999 SENTBEFORE 01-Jan-2001 SENTON 2-Mar-2007 SENTSINCE 24-mar-2007', args: { keys: [
    { key: 'BEFORE', date: { year: 1994, month: 2, day: 1 } }, { key: 'ON', date: { year: 2000, month: 2, day: 29 } }, { key: 'SINCE', date: { year: 1999, month: 12, day: 31 } },
    { key: 'SENTBEFORE', date: { year: 2001, month: 1, day: 1 } }, { key: 'SENTON', date: { year: 2007, month: 3, day: 2 } }, { key: 'SENTSINCE', date: { year: 2007, month: 3, day: 24 } },
  ] } },
  { name: 'SEARCH invalid date', input: 'a SEARCH ON 29-Feb-2001', error: 'Invalid day' },
  { name: 'SEARCH invalid month', input: 'a SEARCH ON 1-Foo-2001', error: 'Invalid month' },
  { name: 'SEARCH $ combined with numbers', input: 'a SEARCH UID 1:5,$', error: 'Invalid sequence set' },
  { name: 'SEARCH keyword, header, sizes, UID, WITHIN', input: 'a SEARCH KEYWORD $Junk UNKEYWORD foo HEADER X-Extra "" LARGER 100 SMALLER 5000000000 UID 1:5 OLDER 60 YOUNGER 3600', args: { keys: [
    { key: 'KEYWORD', flag: '$Junk' }, { key: 'UNKEYWORD', flag: 'foo' }, { key: 'HEADER', field: 'X-Extra', value: '' }, { key: 'LARGER', size: 100 }, { key: 'SMALLER', size: 5000000000 },
    { key: 'UID', set: set([1, 5]) }, { key: 'OLDER', seconds: 60 }, { key: 'YOUNGER', seconds: 3600 },
  ] } },
  { name: 'SEARCH nested NOT, OR and parentheses', input: 'a SEARCH OR (3) NOT (UID 4 SEEN) NOT NOT 1:*', args: { keys: [
    { key: 'OR', left: { key: 'AND', operands: [{ key: 'SEQ', set: set([3, 3]) }] }, right: { key: 'NOT', operand: { key: 'AND', operands: [{ key: 'UID', set: set([4, 4]) }, { key: 'SEEN' }] } } },
    { key: 'NOT', operand: { key: 'NOT', operand: { key: 'SEQ', set: set([1, '*']) } } },
  ] } },
  { name: 'SEARCH $ and CHARSET', input: 'a UID SEARCH CHARSET utf-8 $', command: 'SEARCH', uid: true, args: { charset: 'utf-8', keys: [{ key: 'SEQ', set: { kind: 'saved' } }] } },
  { name: 'SEARCH RETURN options', input: 'a SEARCH RETURN (MIN MAX ALL COUNT SAVE) UNSEEN', args: { returnOptions: ['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'], keys: [{ key: 'UNSEEN' }] } },
  { name: 'SEARCH RETURN ()', input: 'a SEARCH RETURN () CHARSET US-ASCII ALL', args: { returnOptions: [], charset: 'US-ASCII', keys: [{ key: 'ALL' }] } },
  { name: 'SEARCH RETURN unknown option', input: 'a SEARCH RETURN (PARTIAL 1:1) ALL', error: 'Unknown SEARCH RETURN option PARTIAL' },
  { name: 'SEARCH unknown key', input: 'a SEARCH FOO', error: 'Unknown search key FOO' },
  { name: 'SEARCH without keys', input: 'a SEARCH', error: 'Missing arguments' },
  { name: 'SEARCH OR with one operand', input: 'a SEARCH OR SEEN', error: 'Missing arguments' },
  { name: 'SEARCH unbalanced parentheses', input: 'a SEARCH (SEEN', error: 'Expected ")"' },
  { name: 'SEARCH extra closing parenthesis', input: 'a SEARCH SEEN)', error: 'Unexpected extra arguments' },
  { name: 'SEARCH empty parentheses', input: 'a SEARCH ()', error: 'Expected a search key' },
  { name: 'SEARCH LARGER without number', input: 'a SEARCH LARGER x', error: 'Expected a size' },
  { name: 'SEARCH nesting beyond the limit', input: `a SEARCH ${'('.repeat(17)}SEEN${')'.repeat(17)}`, error: 'Too deep nesting (limit 16)' },
  { name: 'SEARCH NOT chain beyond the limit', input: `a SEARCH ${'NOT '.repeat(17)}SEEN`, error: 'Too deep nesting (limit 16)' },
  { name: 'SEARCH nesting at the limit', input: `a SEARCH ${'('.repeat(16)}SEEN${')'.repeat(16)}`, args: { keys: [Array.from({ length: 16 }).reduce((k: unknown) => ({ key: 'AND', operands: [k] }), { key: 'SEEN' })] } },
  // Errors
  { name: 'unknown command has its tag', input: 'x1 FROBNICATE 1', error: 'Unknown command FROBNICATE' },
  { name: 'missing command', input: 'x1', error: 'Missing command' },
  { name: 'tag with + is invalid', input: 'a+b NOOP', error: 'Invalid or missing tag' },
  { name: 'double space', input: 'a  NOOP', error: 'Expected a command name' },
];

for (const row of rows) {
  test(row.name, () => {
    const events = runAllChunkings(`${row.input}\r\n`).filter((e) => e.kind !== 'continuation-needed');
    assert.equal(events.length, 1, JSON.stringify(events));
    const ev = events[0] as Observed;
    if (row.error !== undefined) {
      assert.equal(ev.kind, 'error', JSON.stringify(ev));
      if (ev.kind !== 'error') return;
      assert.ok(ev.message.includes(row.error), `message "${ev.message}" lacks "${row.error}"`);
      assert.equal(ev.fatal, false);
      if (!row.error.includes('tag')) assert.equal(ev.tag, row.input.split(' ')[0]);
      return;
    }
    assert.equal(ev.kind, 'command', JSON.stringify(ev));
    if (ev.kind !== 'command') return;
    const expectedName = row.command ?? row.input.split(' ')[1].toUpperCase();
    assert.deepEqual(ev.command, { tag: row.input.split(' ')[0], name: expectedName, uid: row.uid ?? false, args: row.args });
  });
}
