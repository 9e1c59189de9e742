// The name a FETCH response gives each requested item (RFC 3501 §7.4.2, RFC 3516): BODY.PEEK[…]
// answers as BODY[…], a partial as `<origin>` only, BINARY.PEEK as BINARY.

import type { FetchItem, Section } from '../parser/types.js';

/** `1.2.HEADER.FIELDS (FROM TO)` — the inside of the brackets of a section. */
export function sectionSpec(section: Section): string {
  const parts: string[] = [];
  if (section.part.length > 0) parts.push(section.part.join('.'));
  if (section.text) parts.push(section.fields ? `${section.text} (${section.fields.join(' ')})` : section.text);
  return parts.join('.');
}

/** The response item name for a fetch attribute, e.g. `BODY[TEXT]<5>` for `BODY.PEEK[TEXT]<5.3>`. */
export function fetchResponseKey(item: FetchItem): string {
  switch (item.type) {
    case 'BODY[]':
      return `BODY[${sectionSpec(item.section)}]${item.partial ? `<${item.partial.offset}>` : ''}`;
    case 'BINARY[]':
      return `BINARY[${item.part.join('.')}]${item.partial ? `<${item.partial.offset}>` : ''}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${item.part.join('.')}]`;
    default:
      return item.type;
  }
}
