// Evaluates a SearchQuery over a mailbox snapshot.
//
// Design: every key has a cost class — metadata from the snapshot (flags, UID, size, internal
// date), the cached parsed structure (Date: header via the envelope), the header bytes, or the
// whole message (decoded text). Per message, AND/OR operands are tried cheapest first and stop
// as soon as the answer is known, so a message is read only when a key that needs its content
// is actually reached; what was read (structure, header fields, search text) is kept for the
// other keys of the same message and dropped before the next message.

import type { Readable } from 'node:stream';
import { isMailError } from '../errors.js';
import { parseAddressList } from '../message/address.js';
import { decodeHeaderValue, parseHeader } from '../message/header.js';
import { parseRfc5322DateWithZone } from '../message/date.js';
import { extractSearchText } from '../message/search-text.js';
import type { SearchText } from '../message/search-text.js';
import type { MimeParseLimits } from '../message/mime-parser.js';
import type { Address, Envelope } from '../message/types.js';
import type { Mailbox, MessageInfo, ParsedMessage } from '../types.js';
import type { CalendarDate, DateComparison, SearchQuery } from './query.js';

/** Limits and context of one search; every value comes from the caller (config). */
export interface SearchOptions {
  /** Body bytes examined per message for BODY/TEXT (config limits). */
  maxTextBytes: number;
  /** Zone of internal-date comparisons, minutes east of UTC: fixed, or per instant (the server's zone with its DST). */
  zoneOffsetMinutes: number | ((ms: number) => number);
  /** Clock for age keys, ms since the epoch. */
  now: () => number;
  parseLimits?: MimeParseLimits;
  /** Stops the search early (client gone). */
  signal?: AbortSignal;
}

/** How many messages had to be read, for tests and metrics. */
export interface SearchStats {
  structureReads: number;
  headerReads: number;
  textReads: number;
}

const COST_META = 0;
const COST_STRUCTURE = 1;
const COST_HEADER = 2;
const COST_TEXT = 3;

/** The cost class of a query: the most expensive thing it may need. */
export function queryCost(q: SearchQuery): number {
  switch (q.kind) {
    case 'sent-date':
      return COST_STRUCTURE;
    case 'header':
      return q.value !== '' && q.field.toLowerCase() in ENVELOPE_FIELDS ? COST_STRUCTURE : COST_HEADER;
    case 'body':
    case 'text':
      return COST_TEXT;
    case 'not':
      return queryCost(q.operand);
    case 'or':
    case 'and':
      return q.operands.reduce((m, o) => Math.max(m, queryCost(o)), COST_META);
    default:
      return COST_META;
  }
}

/** Case-insensitive comparison form of text. */
export function foldCase(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

function dayNumber(d: CalendarDate): number {
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / 86_400_000);
}

function compareDay(actualDay: number, comparison: DateComparison, date: CalendarDate): boolean {
  const want = dayNumber(date);
  if (comparison === 'before') return actualDay < want;
  if (comparison === 'on') return actualDay === want;
  return actualDay >= want;
}

/** Day number of an instant as seen in a zone. */
function localDay(ms: number, zoneMinutes: number): number {
  return Math.floor((ms + zoneMinutes * 60_000) / 86_400_000);
}

async function readStream(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'bcc', 'sender', 'reply-to']);

/**
 * The forms of an address field a search looks in: the decoded value, plus each address as
 * `name <mailbox@host>` with comments and route syntax gone (so `user (c)@ (c) example.org`
 * matches `user@example.org`, as Dovecot does).
 */
function addressForms(value: string): string[] {
  try {
    return [value, ...listForms(parseAddressList(value))];
  } catch {
    return [value]; // an unparsable list is searched as written
  }
}

function listForms(list: readonly Address[] | null): string[] {
  const forms: string[] = [];
  for (const a of list ?? []) {
    if (a.mailbox === null) continue;
    const addr = a.host === null ? a.mailbox : `${a.mailbox}@${a.host}`;
    forms.push(a.name ? `${decodeHeaderValue(a.name)} <${addr}>` : addr);
  }
  return forms;
}

const ENVELOPE_FIELDS: Record<string, keyof Envelope> = { subject: 'subject', from: 'from', to: 'to', cc: 'cc', bcc: 'bcc' };

/**
 * The searchable forms of a field the cached envelope holds (no header read needed), or null when
 * the envelope cannot answer: a From/To/Cc/Bcc/Subject value from the envelope of structure().
 */
function envelopeForms(env: Envelope, field: string): string[] | null {
  const key = ENVELOPE_FIELDS[field];
  if (!key) return null;
  const value = env[key];
  if (value === null) return [];
  if (typeof value === 'string') return [decodeHeaderValue(value)];
  return listForms(value as Address[]);
}

/** What has been read of one message while evaluating it. */
class MessageContext {
  private structurePromise?: Promise<ParsedMessage>;
  private headersPromise?: Promise<{ name: string; value: string }[]>;
  private textPromise?: Promise<SearchText>;

  constructor(
    private readonly box: Mailbox,
    readonly info: MessageInfo,
    private readonly options: SearchOptions,
    private readonly stats: SearchStats,
  ) {}

  structure(): Promise<ParsedMessage> {
    if (!this.structurePromise) {
      this.stats.structureReads++;
      this.structurePromise = this.box.structure(this.info.uid);
    }
    return this.structurePromise;
  }

  /** True when the header fields were already read (then they are cheaper than the envelope). */
  hasHeaders(): boolean {
    return this.headersPromise !== undefined || this.textPromise !== undefined;
  }

  headers(): Promise<{ name: string; value: string }[]> {
    if (this.textPromise) return this.textPromise.then((t) => t.headers);
    if (!this.headersPromise) {
      this.headersPromise = (async () => {
        this.stats.headerReads++;
        const bytes = await readStream(await this.box.openContent(this.info.uid, { what: 'header' }));
        return parseHeader(bytes).map((f) => ({ name: f.name, value: decodeHeaderValue(f.value) }));
      })();
    }
    return this.headersPromise;
  }

  text(): Promise<SearchText> {
    if (!this.textPromise) {
      this.textPromise = (async () => {
        this.stats.textReads++;
        const stream = await this.box.openContent(this.info.uid, { what: 'full' });
        return extractSearchText(stream as AsyncIterable<Buffer>, { ...this.options.parseLimits, maxBytes: this.options.maxTextBytes });
      })();
    }
    return this.textPromise;
  }
}

function sortByCost(operands: readonly SearchQuery[]): SearchQuery[] {
  return [...operands].sort((a, b) => queryCost(a) - queryCost(b));
}

async function matches(q: SearchQuery, m: MessageContext, options: SearchOptions): Promise<boolean> {
  const info = m.info;
  switch (q.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'flag':
      return info.flags[q.flag] === q.set;
    case 'recent':
      return info.recent === q.set;
    case 'keyword': {
      const want = q.keyword.toLowerCase();
      return info.keywords.some((k) => k.toLowerCase() === want) === q.set;
    }
    case 'internal-date': {
      const zone = typeof options.zoneOffsetMinutes === 'number' ? options.zoneOffsetMinutes : options.zoneOffsetMinutes(info.internalDate);
      return compareDay(localDay(info.internalDate, zone), q.comparison, q.date);
    }
    case 'sent-date': {
      const raw = (await m.structure()).envelope.date;
      const parsed = raw === null ? null : parseRfc5322DateWithZone(raw);
      // No usable Date: header: the message was sent "never", it is before any date.
      if (!parsed) return q.comparison === 'before';
      return compareDay(localDay(parsed.date.getTime(), parsed.zoneMinutes), q.comparison, q.date);
    }
    case 'age': {
      const age = (options.now() - info.internalDate) / 1000;
      return q.comparison === 'older' ? age > q.seconds : age <= q.seconds;
    }
    case 'size':
      return q.comparison === 'larger' ? info.size > q.size : info.size < q.size;
    case 'uid':
      return q.uids.has(info.uid);
    case 'header': {
      const name = q.field.toLowerCase();
      const needle = foldCase(q.value);
      if (needle !== '' && name in ENVELOPE_FIELDS && !m.hasHeaders()) {
        // From/To/Cc/Bcc/Subject: the envelope cached with the structure answers without reading the message
        const forms = envelopeForms((await m.structure()).envelope, name);
        if (forms) return forms.some((f) => foldCase(f).includes(needle));
      }
      for (const h of await m.headers()) {
        if (h.name.toLowerCase() !== name) continue;
        if (needle === '') return true;
        const forms = ADDRESS_FIELDS.has(name) ? addressForms(h.value) : [h.value];
        if (forms.some((f) => foldCase(f).includes(needle))) return true;
      }
      return false;
    }
    case 'body': {
      const needle = foldCase(q.value);
      return foldCase((await m.text()).body).includes(needle);
    }
    case 'text': {
      const needle = foldCase(q.value);
      const t = await m.text();
      if (t.headers.some((h) => foldCase(`${h.name}: ${h.value}`).includes(needle))) return true;
      return foldCase(t.body).includes(needle);
    }
    case 'not':
      return !(await matches(q.operand, m, options));
    case 'or':
      for (const o of sortByCost(q.operands)) if (await matches(o, m, options)) return true;
      return false;
    case 'and':
      for (const o of sortByCost(q.operands)) if (!(await matches(o, m, options))) return false;
      return true;
  }
}

/**
 * UIDs of the snapshot's messages matching `query`, ascending. A message expunged while it is
 * being read does not match. `stats` (optional) counts the reads.
 */
export async function searchMailbox(box: Mailbox, query: SearchQuery, options: SearchOptions, stats: SearchStats = { structureReads: 0, headerReads: 0, textReads: 0 }): Promise<number[]> {
  const out: number[] = [];
  for (const info of box.messages) {
    options.signal?.throwIfAborted();
    const ctx = new MessageContext(box, info, options, stats);
    try {
      if (await matches(query, ctx, options)) out.push(info.uid);
    } catch (err) {
      if (isMailError(err, 'Expunged') || isMailError(err, 'NotFound')) continue;
      throw err;
    }
  }
  return out;
}
