// Recognising the `From ` separator line of an mbox: `From <sender> <asctime date>`.
//
// Tolerant like mutt's is_from() and Dovecot's mbox_from_parse(): the date is the classic
// asctime form `Www Mmm dd hh:mm[:ss] yyyy`, but we also accept a missing weekday, day and month
// swapped, the year before the time, a numeric (`+0200`) and/or alphabetic (`EET`) zone before or
// after the year, a two-digit year, space-padded days, and an empty or space-containing sender
// (quoted local parts). What must be there: month, day, time and year that form a real date.
// A line that does not parse is not a separator (it is body text); that is what keeps a
// sentence such as "From what I hear ..." after a blank line from splitting a message.

/** A parsed `From ` line. */
export interface FromLine {
  /** Envelope sender as written (may be empty, e.g. `MAILER-DAEMON` or nothing). */
  sender: string;
  /** The date part of the line (its tokens joined by single spaces). */
  date: string;
  /** The date as ms since the epoch; a date without numeric zone is taken as UTC. */
  time: number;
  /** True when the line carried a numeric zone or UTC/GMT, so `time` is exact. */
  hasZone: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function monthOf(tok: string): number {
  if (tok.length < 3 || !/^[A-Za-z]+$/.test(tok)) return -1;
  return MONTHS.indexOf(tok.slice(0, 3).toLowerCase());
}

function isWeekday(tok: string): boolean {
  const t = tok.endsWith(',') ? tok.slice(0, -1) : tok;
  return t.length >= 3 && /^[A-Za-z]+$/.test(t) && DAYS.includes(t.slice(0, 3).toLowerCase());
}

function dayOf(tok: string): number {
  const t = tok.endsWith(',') ? tok.slice(0, -1) : tok;
  if (!/^\d{1,2}$/.test(t)) return -1;
  const d = Number(t);
  return d >= 1 && d <= 31 ? d : -1;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetMinutes: number | null;
}

/** Parses the date tokens; all of them must be consumed. */
function parseDateTokens(toks: string[]): DateParts | null {
  let i = 0;
  if (i < toks.length && isWeekday(toks[i])) i++;
  if (i + 1 >= toks.length) return null;
  let month = monthOf(toks[i]);
  let day: number;
  if (month >= 0) {
    day = dayOf(toks[i + 1]);
  } else {
    day = dayOf(toks[i]);
    month = monthOf(toks[i + 1]);
  }
  if (month < 0 || day < 0) return null;
  i += 2;
  let time: [number, number, number] | null = null;
  let year = -1;
  let offsetMinutes: number | null = null;
  let zones = 0;
  for (; i < toks.length; i++) {
    const t = toks[i];
    let m: RegExpExecArray | null;
    if (!time && (m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t))) {
      const h = Number(m[1]);
      const mi = Number(m[2]);
      const s = m[3] === undefined ? 0 : Number(m[3]);
      if (h > 23 || mi > 59 || s > 60) return null;
      time = [h, mi, s];
    } else if (year < 0 && /^\d{4}$/.test(t)) {
      year = Number(t);
    } else if (year < 0 && /^\d{2}$/.test(t) && time) {
      const y = Number(t);
      year = y >= 70 ? 1900 + y : 2000 + y;
    } else if ((m = /^([+-])(\d{2})(\d{2})$/.exec(t)) && zones < 2) {
      zones++;
      const off = Number(m[2]) * 60 + Number(m[3]);
      offsetMinutes = m[1] === '-' ? -off : off;
    } else if (/^[A-Za-z]{1,5}$/.test(t) && zones < 2 && time) {
      zones++;
      if (offsetMinutes === null && /^(UTC?|GMT|Z)$/i.test(t)) offsetMinutes = 0;
    } else {
      return null;
    }
  }
  if (!time || year < 0) return null;
  return { year, month, day, hour: time[0], minute: time[1], second: time[2], offsetMinutes };
}

/**
 * Parses a From line's text (without its line ending). Returns null when it is not a valid
 * mbox separator.
 */
export function parseFromLine(line: string): FromLine | null {
  if (!line.startsWith('From ')) return null;
  const toks = line.slice(5).split(/[ \t]+/).filter((t) => t !== '');
  // The date is a suffix of the tokens; the sender is everything before it. Prefer a sender,
  // unless the first token is a weekday name ("From Thu Nov 19 ..." has an empty sender).
  const order = [...Array(toks.length).keys()].map((k) => (k + 1) % toks.length);
  if (toks.length > 0 && isWeekday(toks[0])) order.unshift(0);
  for (const i of order) {
    if (toks.length - i < 4) continue;
    const parts = parseDateTokens(toks.slice(i));
    if (!parts) continue;
    const { year, month, day, hour, minute, second, offsetMinutes } = parts;
    const utc = Date.UTC(year, month, day, hour, minute, second);
    if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return null; // Feb 30
    return {
      sender: toks.slice(0, i).join(' '),
      date: toks.slice(i).join(' '),
      time: utc - (offsetMinutes ?? 0) * 60_000,
      hasZone: offsetMinutes !== null,
    };
  }
  return null;
}

/** Cheap test of the first bytes before a full parse: does `buf[start..]` begin with `From `? */
export function startsWithFrom(buf: Buffer, start: number, end: number): boolean {
  return (
    end - start >= 5 && buf[start] === 0x46 && buf[start + 1] === 0x72 && buf[start + 2] === 0x6f && buf[start + 3] === 0x6d && buf[start + 4] === 0x20
  );
}
