// RFC 5322 §3.3 date-time parsing, tolerant of the obsolete forms (§4.3) and of common damage:
// comments, missing day-of-week or comma, missing seconds, 2- and 3-digit years, alphabetic and
// military zones, a missing zone (taken as +0000), full month names, "." as time separator.

/** A parsed date: the instant and the zone offset it was written in (minutes east of UTC). */
export interface ParsedDate {
  date: Date;
  zoneMinutes: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const NAMED_ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  edt: -4 * 60, est: -5 * 60, cdt: -5 * 60, cst: -6 * 60,
  mdt: -6 * 60, mst: -7 * 60, pdt: -7 * 60, pst: -8 * 60,
};

function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && depth > 0) {
      i++;
    } else if (c === '(') {
      depth++;
      out += ' ';
    } else if (c === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      out += c;
    }
  }
  return out;
}

function parseZone(token: string | undefined): number | null {
  if (token === undefined) return 0;
  const m = /^([+-])(\d{2})(\d{2})$/.exec(token);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    if (Number(m[3]) > 59) return null;
    return m[1] === '-' ? -minutes : minutes;
  }
  const lower = token.toLowerCase();
  if (lower in NAMED_ZONES) return NAMED_ZONES[lower];
  if (/^[a-ik-z]$/.test(lower)) return 0; // military zones: RFC 5322 §4.3 says treat as -0000
  return null;
}

/** Parses a date-time with the zone it was written in; null when it is not a usable date. */
export function parseRfc5322DateWithZone(value: string): ParsedDate | null {
  const tokens = stripComments(value)
    .replace(/,/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0);
  if (tokens.length > 0 && /^[a-z]{3,}\.?$/i.test(tokens[0]) && !MONTHS.includes(tokens[0].slice(0, 3).toLowerCase())) tokens.shift();
  if (tokens.length < 4) return null;
  let [dayTok, monTok] = tokens;
  if (/^\d+$/.test(monTok) && /^[a-z]/i.test(dayTok)) [dayTok, monTok] = [monTok, dayTok];
  const day = /^\d{1,2}$/.test(dayTok) ? Number(dayTok) : NaN;
  const month = MONTHS.indexOf(monTok.slice(0, 3).toLowerCase());
  if (!/^\d{2,4}$/.test(tokens[2])) return null;
  let year = Number(tokens[2]);
  if (tokens[2].length === 2) year += year < 50 ? 2000 : 1900;
  else if (tokens[2].length === 3) year += 1900;
  const time = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/.exec(tokens[3]);
  if (!time || Number.isNaN(day) || month < 0) return null;
  const [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3] ?? '0')];
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const zone = parseZone(tokens[4]);
  if (zone === null) return null;
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - zone * 60_000;
  const date = new Date(utc);
  // reject days past the end of the month (31 Feb): Date.UTC would roll them over
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCDate() !== day) return null;
  return { date, zoneMinutes: zone };
}

/** Parses an RFC 5322 date-time (Date: header, SENTBEFORE etc.); null when unusable. */
export function parseRfc5322Date(value: string): Date | null {
  return parseRfc5322DateWithZone(value)?.date ?? null;
}
