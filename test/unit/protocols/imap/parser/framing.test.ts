// Framing: literals, LITERAL+/LITERAL-, streamed APPEND, limits, resynchronisation, raw lines (IDLE).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapParser, isIdleDone } from '../../../../../protocols/imap/parser/parser.js';
import { DEFAULT_OPTIONS, run, runAllChunkings } from './harness.js';
import type { Hook, Observed } from './harness.js';

const kinds = (events: Observed[]) => events.map((e) => (e.kind === 'command' ? `command:${e.command.tag}:${e.command.name}` : e.kind === 'error' ? `error:${e.tag ?? ''}:${e.fatal ? 'fatal' : 'ok'}` : e.kind));

test('pipelined commands come out one by one in order', () => {
  const events = runAllChunkings('a NOOP\r\nb CAPABILITY\r\nc LOGOUT\r\n');
  assert.deepEqual(kinds(events), ['command:a:NOOP', 'command:b:CAPABILITY', 'command:c:LOGOUT']);
});

test('a bare LF ends a line and empty lines are ignored', () => {
  assert.deepEqual(kinds(runAllChunkings('\r\na NOOP\n\nb NOOP\r\n')), ['command:a:NOOP', 'command:b:NOOP']);
});

test('an incomplete line waits for more bytes', () => {
  const p = new ImapParser(DEFAULT_OPTIONS);
  p.feed(Buffer.from('a NO'));
  assert.deepEqual(p.next(), { kind: 'need-more' });
  p.feed(Buffer.from('OP\r\n'));
  assert.equal(p.next().kind, 'command');
  assert.deepEqual(p.next(), { kind: 'need-more' });
});

test('a synchronizing literal asks for continuation before its bytes', () => {
  const events = runAllChunkings('a LOGIN {3}\r\njoe {4}\r\npass\r\n');
  assert.deepEqual(kinds(events), ['continuation-needed', 'continuation-needed', 'command:a:LOGIN']);
  assert.deepEqual(events[0], { kind: 'continuation-needed', size: 3, tag: 'a' });
  const last = events[2];
  assert.ok(last.kind === 'command' && last.command.name === 'LOGIN');
  assert.deepEqual(last.command.args, { username: 'joe', password: 'pass' });
});

test('a literal may hold CR, LF and 8-bit bytes', () => {
  const events = runAllChunkings(Buffer.from('a LOGIN {5+}\r\na\r\n\xe9" x\r\n', 'latin1'));
  const ev = events[0];
  assert.ok(ev.kind === 'command' && ev.command.name === 'LOGIN');
  assert.deepEqual(ev.command.args, { username: Buffer.from('a\r\n\xe9"', 'latin1').toString('utf8'), password: 'x' });
});

test('a zero-length literal is an empty string', () => {
  const events = runAllChunkings('a LOGIN {0+}\r\n {0}\r\n\r\n');
  const ev = events.find((e) => e.kind === 'command');
  assert.ok(ev && ev.kind === 'command');
  assert.deepEqual(ev.command.args, { username: '', password: '' });
});

test('a literal announcement in the middle of a line is a syntax error', () => {
  const events = runAllChunkings('a LOGIN {3} x\r\n');
  assert.equal(events.length, 1);
  assert.ok(events[0].kind === 'error' && events[0].message.includes('must end its line'));
});

test('a NUL byte in a literal is refused and the rest of the command skipped', () => {
  const events = runAllChunkings(Buffer.from('a LOGIN {3+}\r\na\0b pass\r\nb NOOP\r\n', 'latin1'));
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
});

test('a literal8 outside APPEND is refused', () => {
  const events = runAllChunkings('a LOGIN ~{3}\r\nb NOOP\r\n');
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
});

test('an APPEND message literal is streamed in chunks, not buffered', () => {
  const body = 'x'.repeat(5000);
  const input = `a APPEND INBOX (\\Seen \\Flagged) "05-Mar-2024 14:07:00 -0500" {5000}\r\n${body}\r\n`;
  const sizes: number[] = [];
  const hook: Hook = (ev) => {
    if (ev.kind === 'literal-data') sizes.push(ev.chunk.length);
  };
  const events = run(input, 512, {}, hook);
  assert.ok(sizes.length >= 9 && Math.max(...sizes) <= 512, `chunks ${sizes.join(',')}`);
  assert.deepEqual(kinds(events), ['append-message', 'continuation-needed', 'literal-data', 'literal-end', 'command:a:APPEND']);
  const head = events[0];
  assert.ok(head.kind === 'append-message');
  assert.deepEqual(head, {
    kind: 'append-message', tag: 'a', mailbox: 'INBOX', index: 0, synchronizing: true,
    message: { flags: ['\\Seen', '\\Flagged'], size: 5000, binary: false, date: { time: new Date('2024-03-05T19:07:00Z'), offsetMinutes: -300 } },
  });
  assert.deepEqual(events[2], { kind: 'literal-data', data: body });
  const cmd = events[4];
  assert.ok(cmd.kind === 'command' && cmd.command.name === 'APPEND');
  assert.deepEqual(cmd.command.args, { mailbox: 'INBOX', messages: [head.message] });
});

test('an APPEND larger than the line limit streams when under the literal limit', () => {
  const events = runAllChunkings(`a APPEND x {3000+}\r\n${'y'.repeat(3000)}\r\n`, { maxLineBytes: 1024 });
  assert.deepEqual(kinds(events), ['append-message', 'literal-data', 'literal-end', 'command:a:APPEND']);
});

test('MULTIAPPEND with a literal mailbox name, a binary literal and a date-time', () => {
  const input = 'a APPEND {5}\r\nDraft {3}\r\none (\\Draft) " 7-Jan-2020 01:02:03 +0000" ~{4+}\r\nt\0wo\r\nb NOOP\r\n';
  const events = runAllChunkings(input);
  assert.deepEqual(kinds(events), [
    'continuation-needed', 'append-message', 'continuation-needed', 'literal-data', 'literal-end',
    'append-message', 'literal-data', 'literal-end', 'command:a:APPEND', 'command:b:NOOP',
  ]);
  assert.deepEqual(events[3], { kind: 'literal-data', data: 'one' });
  assert.deepEqual(events[6], { kind: 'literal-data', data: 't\0wo' });
  const cmd = events[8];
  assert.ok(cmd.kind === 'command' && cmd.command.name === 'APPEND');
  assert.deepEqual(cmd.command.args, {
    mailbox: 'Draft',
    messages: [
      { flags: [], size: 3, binary: false },
      { flags: ['\\Draft'], size: 4, binary: true, date: { time: new Date('2020-01-07T01:02:03Z'), offsetMinutes: 0 } },
    ],
  });
});

test('the session can refuse a synchronizing APPEND literal (e.g. NO [TRYCREATE])', () => {
  const hook: Hook = (ev, parser) => {
    if (ev.kind === 'continuation-needed') parser.rejectLiteral();
  };
  const events = runAllChunkings('a APPEND nobox {10}\r\nb NOOP\r\n', {}, hook);
  assert.deepEqual(kinds(events), ['append-message', 'continuation-needed', 'command:b:NOOP']);
});

test('rejectLiteral is refused when no synchronizing literal is pending', () => {
  const p = new ImapParser(DEFAULT_OPTIONS);
  assert.throws(() => p.rejectLiteral(), /only valid right after continuation-needed/);
});

test('text after an APPEND message that is not another message is an error with the tag', () => {
  const events = runAllChunkings('a APPEND x {2+}\r\nhi junk\r\nb NOOP\r\n');
  assert.deepEqual(kinds(events), ['append-message', 'literal-data', 'literal-end', 'error:a:ok', 'command:b:NOOP']);
});

test('a bad APPEND head with a non-sync literal is refused and its bytes discarded', () => {
  const events = runAllChunkings('a APPEND x (\\) {5+}\r\nb NOO a NOOP\r\nc NOOP\r\n');
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:c:NOOP']);
});

test('APPEND with CATENATE is refused before its literal', () => {
  const events = runAllChunkings('a APPEND x CATENATE (TEXT {5}\r\nb NOOP\r\n');
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
  assert.ok(events[0].kind === 'error' && events[0].message.includes('CATENATE'));
});

test('a synchronizing APPEND literal over the limit is a non-fatal TOOBIG error', () => {
  const events = runAllChunkings('a APPEND x {2000}\r\nb NOOP\r\n', { maxLiteralBytes: 1000 });
  assert.deepEqual(events[0], { kind: 'error', tag: 'a', message: 'Message too large (limit 1000 bytes)', fatal: false, code: 'TOOBIG' });
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
});

test('a non-synchronizing literal over the limit is fatal and the parser closes', () => {
  const p = new ImapParser({ ...DEFAULT_OPTIONS, maxLiteralBytes: 1000 });
  p.feed(Buffer.from('a APPEND x {2000+}\r\nxxxx\r\nb NOOP\r\n'));
  const ev = p.next();
  assert.equal(ev.kind, 'error');
  assert.ok(ev.kind === 'error' && ev.fatal && ev.code === 'TOOBIG' && ev.tag === 'a');
  assert.equal(p.closed, true);
  assert.deepEqual(p.next(), { kind: 'need-more' });
});

test('a buffered literal beyond the command limit is TOOBIG, sync non-fatal', () => {
  const events = runAllChunkings('a LOGIN {5000}\r\nb NOOP\r\n', { maxLineBytes: 1024 });
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
  assert.ok(events[0].kind === 'error' && events[0].code === 'TOOBIG');
});

test('a non-sync buffered literal beyond the command limit is discarded with the rest of its command', () => {
  const events = runAllChunkings(`a LOGIN {2000+}\r\n${'z'.repeat(2000)} pw\r\nb NOOP\r\n`, { maxLineBytes: 1024 });
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
});

test('LITERAL-: non-sync literals over 4096 bytes are refused, smaller ones accepted', () => {
  const big = runAllChunkings(`a APPEND x {5000+}\r\n${'q'.repeat(5000)}\r\nb NOOP\r\n`, { literalPlus: false });
  assert.deepEqual(kinds(big), ['error:a:ok', 'command:b:NOOP']);
  assert.ok(big[0].kind === 'error' && big[0].message.includes('LITERAL-'));
  const small = runAllChunkings('a APPEND x {3+}\r\nabc\r\n', { literalPlus: false });
  assert.deepEqual(kinds(small), ['append-message', 'literal-data', 'literal-end', 'command:a:APPEND']);
});

test('an overlong line is a non-fatal error and the parser resyncs at the next line', () => {
  const events = runAllChunkings(`a LOGIN ${'u'.repeat(3000)} p\r\nb NOOP\r\n`, { maxLineBytes: 1024 });
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
  assert.ok(events[0].kind === 'error' && events[0].message.includes('Line too long'));
});

test('an overlong line ending in a non-sync literal also skips that literal', () => {
  const events = runAllChunkings(`a LOGIN ${'u'.repeat(3000)} {6+}\r\nb NOOP\r\nc NOOP\r\n`, { maxLineBytes: 1024 });
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:c:NOOP']);
});

test('an overlong line ending in a huge non-sync literal is fatal', () => {
  const events = runAllChunkings(`a LOGIN ${'u'.repeat(3000)} {99999999+}\r\nxx`, { maxLineBytes: 1024, maxLiteralBytes: 1000 });
  assert.deepEqual(kinds(events), ['error:a:ok', 'error::fatal']);
});

test('a command split over lines counts all its lines against the limit', () => {
  const events = runAllChunkings(`a LOGIN {600+}\r\n${'a'.repeat(600)} {600+}\r\n${'b'.repeat(600)}\r\nb NOOP\r\n`, { maxLineBytes: 1024 });
  assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP']);
});

test('8-bit quoted strings are accepted with UTF-8 enabled, and must be valid UTF-8', () => {
  const input = Buffer.concat([Buffer.from('a SELECT "'), Buffer.from('Entwürfe', 'utf8'), Buffer.from('"\r\nb SELECT "\xff"\r\n', 'latin1')]);
  const events = runAllChunkings(input, { utf8: true });
  const first = events[0];
  assert.ok(first.kind === 'command' && first.command.name === 'SELECT');
  assert.equal(first.command.args.mailbox, 'Entwürfe');
  assert.ok(events[1].kind === 'error' && events[1].message.includes('Invalid UTF-8'));
  const before = runAllChunkings(input);
  assert.ok(before[0].kind === 'error' && before[0].message.includes('8-bit'));
});

test('setUtf8 switches UTF-8 acceptance on a live parser (ENABLE UTF8=ACCEPT)', () => {
  const p = new ImapParser(DEFAULT_OPTIONS);
  p.feed(Buffer.from('a SELECT "é"\r\n', 'utf8'));
  assert.equal(p.next().kind, 'error');
  p.setUtf8(true);
  p.feed(Buffer.from('b SELECT "é"\r\n', 'utf8'));
  const ev = p.next();
  assert.ok(ev.kind === 'command' && ev.command.name === 'SELECT' && ev.command.args.mailbox === 'é');
});

test('IDLE: expectLine returns the next raw line, recognised by isIdleDone', () => {
  const hook: Hook = (ev, parser) => {
    if (ev.kind === 'command' && ev.command.name === 'IDLE') parser.expectLine();
  };
  const events = runAllChunkings('a IDLE\r\ndone\r\nb NOOP\r\n', {}, hook);
  assert.deepEqual(kinds(events), ['command:a:IDLE', 'line', 'command:b:NOOP']);
  const line = events[1];
  assert.ok(line.kind === 'line' && isIdleDone(line.line));
  assert.equal(isIdleDone(Buffer.from('DONE x')), false);
  assert.equal(isIdleDone(Buffer.from('Done')), true);
});

test('a raw line over the limit is an error, then parsing resumes', () => {
  const hook: Hook = (ev, parser) => {
    if (ev.kind === 'command' && ev.command.name === 'AUTHENTICATE') parser.expectLine();
  };
  const events = runAllChunkings(`a AUTHENTICATE PLAIN\r\n${'A'.repeat(2000)}\r\nb NOOP\r\n`, { maxLineBytes: 1024 }, hook);
  assert.deepEqual(kinds(events), ['command:a:AUTHENTICATE', 'error::ok', 'command:b:NOOP']);
});

test('an error without a readable tag has no tag', () => {
  const events = runAllChunkings('+ NOOP\r\n(x\r\n');
  assert.deepEqual(events.map((e) => e.kind === 'error' && e.tag === undefined), [true, true]);
});

test('a literal announced by a line without a valid tag is refused before any byte is read', () => {
  const events = runAllChunkings('+x APPEND INBOX {5}\r\nb NOOP\r\n');
  assert.deepEqual(kinds(events), ['error::ok', 'command:b:NOOP']);
});

test('an APPEND with an invalid date-time is refused with its tag', () => {
  for (const date of ['"30-Feb-2024 10:00:00 +0000"', '"01-Jan-2024 25:00:00 +0000"', '"01-Jan-2024 10:00:00 0000"', '"1-Jan-24 10:00:00 +0000"']) {
    const events = runAllChunkings(`a APPEND x ${date} {3}\r\nb NOOP\r\n`);
    assert.deepEqual(kinds(events), ['error:a:ok', 'command:b:NOOP'], date);
  }
});

test('an empty APPEND message is announced and ended without data', () => {
  const events = runAllChunkings('a APPEND x {0}\r\n\r\n');
  assert.deepEqual(kinds(events), ['append-message', 'continuation-needed', 'literal-end', 'command:a:APPEND']);
});

test('APPEND bytes are handed out as they arrive, as views of the fed chunks, never accumulated', () => {
  const size = 4 * 1024 * 1024;
  const p = new ImapParser({ ...DEFAULT_OPTIONS, maxLiteralBytes: size });
  p.feed(Buffer.from(`a APPEND INBOX {${size}+}\r\n`));
  assert.equal(p.next().kind, 'append-message');
  assert.deepEqual(p.next(), { kind: 'need-more' });
  const piece = 64 * 1024;
  let received = 0;
  for (let off = 0; off < size; off += piece) {
    const fed = Buffer.alloc(piece, off / piece);
    p.feed(fed);
    const ev = p.next();
    assert.ok(ev.kind === 'literal-data', `at ${off}: ${ev.kind}`);
    assert.equal(ev.chunk.buffer, fed.buffer, 'the chunk is a view of the fed buffer, not a copy');
    assert.equal(ev.chunk.length, piece);
    received += ev.chunk.length;
    const after = p.next();
    assert.equal(after.kind, off + piece === size ? 'literal-end' : 'need-more');
  }
  assert.equal(received, size);
  p.feed(Buffer.from('\r\n'));
  const done = p.next();
  assert.ok(done.kind === 'command' && done.command.name === 'APPEND');
});

/** Deterministic pseudo-random bytes. */
function noise(seed: number, length: number): Buffer {
  let s = seed >>> 0;
  const out = Buffer.alloc(length);
  const alphabet = Buffer.from('a1 ()[]{}<>"\\*%$:,.~+-\r\n\0\xe9FETCH BODY[ APPEND {3}\r\n{2+}\r\n', 'latin1');
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = alphabet[s % alphabet.length];
  }
  return out;
}

test('random garbage never throws, yields only command/error/literal events, the same for every chunking', () => {
  const allowed = new Set(['command', 'error', 'continuation-needed', 'append-message', 'literal-data', 'literal-end']);
  for (let seed = 1; seed <= 300; seed++) {
    const events = runAllChunkings(noise(seed, 600), { maxLineBytes: 256, maxLiteralBytes: 64, maxNesting: 4 });
    for (const e of events) assert.ok(allowed.has(e.kind), e.kind);
  }
});

test('an overlong line without a space gives no tag, however it is chunked', () => {
  const events = runAllChunkings(`${'T'.repeat(3000)}\r\nb NOOP\r\n`, { maxLineBytes: 1024 });
  assert.deepEqual(kinds(events), ['error::ok', 'command:b:NOOP']);
});
