// Dates of RFC 3501 §9: date-time (APPEND, "17-Jul-1996 02:44:25 -0700") and search dates (1-Feb-1994).

import type { Cursor } from './cursor.js';
import type { ImapDateTime, SearchDate } from './types.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function digits(cur: Cursor, min: number, max: number, what: string): number {
  const start = cur.pos;
  while (cur.pos - start < max && cur.peek() >= 0x30 && cur.peek() <= 0x39) cur.pos++;
  if (cur.pos - start < min) cur.fail(`Invalid ${what}${cur.near()}`);
  return Number(cur.text.toString('latin1', start, cur.pos));
}

function dayMonthYear(cur: Cursor, what: string): SearchDate {
  const day = digits(cur, 1, 2, what);
  cur.expectChar('-', `"-" in ${what}`);
  const name = cur.text.toString('latin1', cur.pos, cur.pos + 3).toUpperCase();
  const month = MONTHS.indexOf(name) + 1;
  if (month === 0) cur.fail(`Invalid month in ${what}${cur.near()}`);
  cur.pos += 3;
  cur.expectChar('-', `"-" in ${what}`);
  const year = digits(cur, 4, 4, what);
  if (day < 1 || day > daysInMonth(year, month)) cur.fail(`Invalid day in ${what}: ${day}-${name}-${year}`);
  return { year, month, day };
}

/** date = date-text / DQUOTE date-text DQUOTE, e.g. `1-Feb-1994`. */
export function parseSearchDate(cur: Cursor): SearchDate {
  const quoted = cur.tryChar('"');
  const date = dayMonthYear(cur, 'date');
  if (quoted) cur.expectChar('"', 'closing quote of the date');
  return date;
}

/** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
export function parseDateTime(cur: Cursor): ImapDateTime {
  cur.expectChar('"', 'a date-time');
  cur.tryChar(' '); // date-day-fixed may be space-padded
  const { year, month, day } = dayMonthYear(cur, 'date-time');
  cur.expectChar(' ', 'a space in date-time');
  const hour = digits(cur, 2, 2, 'time');
  cur.expectChar(':', '":" in time');
  const minute = digits(cur, 2, 2, 'time');
  cur.expectChar(':', '":" in time');
  const second = digits(cur, 2, 2, 'time');
  if (hour > 23 || minute > 59 || second > 60) cur.fail('Invalid time in date-time');
  cur.expectChar(' ', 'a space before the zone');
  const sign = cur.peek();
  if (sign !== 0x2b && sign !== 0x2d) cur.fail(`Invalid zone in date-time${cur.near()}`);
  cur.pos++;
  const zone = digits(cur, 4, 4, 'zone');
  const zh = Math.floor(zone / 100);
  const zm = zone % 100;
  if (zh > 23 || zm > 59) cur.fail('Invalid zone in date-time');
  cur.expectChar('"', 'closing quote of the date-time');
  const offsetMinutes = (sign === 0x2d ? -1 : 1) * (zh * 60 + zm);
  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) - offsetMinutes * 60_000;
  return { time: new Date(utc), offsetMinutes };
}
