// Public surface of the protocol-neutral search.

export type { CalendarDate, DateComparison, SearchQuery } from './query.js';
export { foldCase, queryCost, searchMailbox } from './evaluate.js';
export type { SearchOptions, SearchStats } from './evaluate.js';
