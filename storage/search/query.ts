// The protocol-neutral search query: what a message must satisfy. IMAP SEARCH keys (and any
// other front-end) are translated into this; sequence numbers are resolved to UIDs by the caller.

import type { SystemFlag } from '../types.js';

/** A calendar date (month 1..12), compared without time of day. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** How a date key compares: before the day, on the day, on or after the day. */
export type DateComparison = 'before' | 'on' | 'since';

/** One search condition; `and`, `or` and `not` nest. */
export type SearchQuery =
  | { kind: 'all' }
  | { kind: 'none' }
  /** A system flag is set (`set: true`) or clear. */
  | { kind: 'flag'; flag: SystemFlag; set: boolean }
  /** \Recent for the searching session. */
  | { kind: 'recent'; set: boolean }
  /** A keyword is present (case-insensitive) or absent. */
  | { kind: 'keyword'; keyword: string; set: boolean }
  /** The internal date's calendar day (in the evaluator's zone) vs a date. */
  | { kind: 'internal-date'; comparison: DateComparison; date: CalendarDate }
  /** The Date: header's calendar day (in the zone it was written in) vs a date. */
  | { kind: 'sent-date'; comparison: DateComparison; date: CalendarDate }
  /** The internal date is more (`older`) or at most (`younger`) this many seconds before now. */
  | { kind: 'age'; comparison: 'older' | 'younger'; seconds: number }
  /** The size is strictly larger / smaller than `size` octets. */
  | { kind: 'size'; comparison: 'larger' | 'smaller'; size: number }
  /** A top-level header field (name case-insensitive) whose decoded value contains `value`; empty value: the field exists. */
  | { kind: 'header'; field: string; value: string }
  /** The decoded text of the body parts contains `value`. */
  | { kind: 'body'; value: string }
  /** The decoded header or body text contains `value`. */
  | { kind: 'text'; value: string }
  /** The UID is one of these. */
  | { kind: 'uid'; uids: ReadonlySet<number> }
  | { kind: 'not'; operand: SearchQuery }
  | { kind: 'or'; operands: SearchQuery[] }
  | { kind: 'and'; operands: SearchQuery[] };
