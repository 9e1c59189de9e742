import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand, parseMessageNumber, Pop3LineParser, type LineEvent } from '../../../../protocols/pop3/parser.js';

function drain(p: Pop3LineParser): LineEvent[] {
  const out: LineEvent[] = [];
  for (let ev = p.next(); ev.kind !== 'need-more'; ev = p.next()) out.push(ev);
  return out;
}

function feedChunked(input: Buffer, size: number, max: number): string[] {
  const p = new Pop3LineParser(max);
  const out: string[] = [];
  for (let i = 0; i < input.length; i += size) {
    p.feed(input.subarray(i, i + size));
    for (const ev of drain(p)) out.push(ev.kind === 'line' ? ev.line.toString() : `<${ev.kind}>`);
  }
  return out;
}

test('pipelined lines split at every byte boundary give the same commands', () => {
  const input = Buffer.from('USER a\r\nPASS b c\r\nSTAT\nLIST 1\r\nQUIT\r\n');
  const expected = ['USER a', 'PASS b c', 'STAT', 'LIST 1', 'QUIT'];
  for (const size of [1, 2, 3, 4, 8, 16, 512]) assert.deepEqual(feedChunked(input, size, 255), expected, `size ${size}`);
});

test('an overlong line is reported once and the next line parses', () => {
  const input = Buffer.from(`${'X'.repeat(300)}\r\nNOOP\r\n`);
  for (const size of [1, 7, 64, 512]) assert.deepEqual(feedChunked(input, size, 255), ['<too-long>', 'NOOP'], `size ${size}`);
});

test('commands are case-insensitive and keep PASS text with spaces', () => {
  assert.deepEqual(parseCommand(Buffer.from('pass my secret')), { name: 'PASS', args: ['my', 'secret'], rest: 'my secret' });
  assert.deepEqual(parseCommand(Buffer.from('Top 1 10')), { name: 'TOP', args: ['1', '10'], rest: '1 10' });
  assert.equal(parseCommand(Buffer.from('')), null);
  assert.equal(parseCommand(Buffer.from('US\0ER x')), null);
  assert.equal(parseCommand(Buffer.from('12 x')), null);
});

test('message numbers are positive decimals only', () => {
  assert.equal(parseMessageNumber('1'), 1);
  assert.equal(parseMessageNumber('0'), null);
  assert.equal(parseMessageNumber('-1'), null);
  assert.equal(parseMessageNumber('1x'), null);
  assert.equal(parseMessageNumber('+1'), null);
  assert.equal(parseMessageNumber(undefined), null);
  assert.equal(parseMessageNumber('99999999999'), null);
});
