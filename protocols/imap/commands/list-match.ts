// LIST/LSUB pattern matching (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the
// hierarchy delimiter; the reference is prefixed to the pattern; INBOX matches in any case.

/** The full pattern of a LIST reference and mailbox pattern. */
export function joinReference(reference: string, pattern: string, delimiter: string): string {
  if (reference === '') return pattern;
  if (pattern.startsWith(delimiter) && reference.endsWith(delimiter)) return reference + pattern.slice(1);
  return reference + pattern;
}

/** A matcher of mailbox names for one pattern. */
export function patternMatcher(pattern: string, delimiter: string): (name: string) => boolean {
  const toRegex = (p: string): RegExp => {
    let src = '';
    for (const ch of p) {
      if (ch === '*') src += '.*';
      else if (ch === '%') src += `[^${escape(delimiter)}]*`;
      else src += escape(ch);
    }
    return new RegExp(`^${src}$`, 's');
  };
  const plain = toRegex(pattern);
  // INBOX is case-insensitive: compare names under INBOX with the pattern's first part upper-cased.
  const head = pattern.slice(0, 5);
  const inboxPattern = head.toUpperCase() === 'INBOX' ? toRegex('INBOX' + pattern.slice(5)) : plain;
  return (name) => (name === 'INBOX' || name.startsWith('INBOX' + delimiter) ? inboxPattern.test(name) || plain.test(name) : plain.test(name));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
