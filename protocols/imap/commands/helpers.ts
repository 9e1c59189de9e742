// Small helpers shared by the command modules: the concrete session, the store, mailbox names.
import { decodeMutf7, encodeMutf7 } from '../../../storage/mutf7.js';
import type { Flags, MailStore } from '../../../storage/types.js';
import { encodeAstring } from '../encode/index.js';
import type { ImapServerSession } from '../session.js';
import { CommandError } from './types.js';
import type { ImapSession, TaggedResult } from './types.js';

/** The concrete session behind the command contract (only this package's own commands use it). */
export function own(session: ImapSession): ImapServerSession {
  return session as ImapServerSession;
}

/** The user's mail store (authenticated or selected state). */
export function storeOf(session: ImapSession): MailStore {
  const s = session.state;
  if (s.kind === 'notAuthenticated') throw new CommandError({ status: 'BAD', text: 'Log in first' });
  return s.store;
}

/** A mailbox name from the wire (modified UTF-7 unless UTF8=ACCEPT) as a Unicode name. */
export function mailboxFromWire(session: ImapSession, raw: string): string {
  if (session.enabled.has('UTF8=ACCEPT')) return raw;
  try {
    return decodeMutf7(raw);
  } catch {
    throw new CommandError({ status: 'NO', code: 'CANNOT', text: 'Invalid mailbox name: not valid modified UTF-7' });
  }
}

/** A LIST/LSUB pattern or reference from the wire; null when it is not valid modified UTF-7 (it then matches nothing). */
export function patternFromWire(session: ImapSession, raw: string): string | null {
  try {
    return mailboxFromWire(session, raw);
  } catch (err) {
    if (err instanceof CommandError) return null;
    throw err;
  }
}

/** A Unicode mailbox name for the wire: astring of its modified UTF-7 form (or UTF-8). */
export function mailboxToWire(session: ImapSession, name: string): Buffer {
  return session.enabled.has('UTF8=ACCEPT') ? encodeAstring(name, { utf8: true }) : encodeAstring(encodeMutf7(name));
}

/** `OK text`. */
export function ok(text: string, code?: TaggedResult['code']): TaggedResult {
  return code === undefined ? { status: 'OK', text } : { status: 'OK', code, text };
}

/** `NO text`. */
export function no(text: string, code?: TaggedResult['code']): TaggedResult {
  return code === undefined ? { status: 'NO', text } : { status: 'NO', code, text };
}

/** `BAD text`. */
export function bad(text: string): TaggedResult {
  return { status: 'BAD', text };
}

/** Every state. */
export const ANY_STATE = ['notAuthenticated', 'authenticated', 'selected'] as const;
/** Authenticated or selected. */
export const LOGGED_IN = ['authenticated', 'selected'] as const;
/** Selected only. */
export const SELECTED = ['selected'] as const;

/** System flag words and their storage names. */
const SYSTEM_WORDS: Record<string, keyof Flags> = {
  '\\SEEN': 'seen',
  '\\ANSWERED': 'answered',
  '\\FLAGGED': 'flagged',
  '\\DELETED': 'deleted',
  '\\DRAFT': 'draft',
};

/**
 * Flag words of STORE or APPEND as a storage update. \Recent is ignored (only the server sets
 * it); another unknown `\word` is refused with BAD.
 */
export function flagUpdate(words: readonly string[]): { flags: Partial<Flags>; keywords: string[] } {
  const flags: Partial<Flags> = {};
  const keywords: string[] = [];
  for (const w of words) {
    if (w.startsWith('\\')) {
      const key = SYSTEM_WORDS[w.toUpperCase()];
      if (key) flags[key] = true;
      else if (w.toUpperCase() !== '\\RECENT') throw new CommandError({ status: 'BAD', text: `Invalid system flag ${w}` });
    } else if (!keywords.includes(w)) {
      keywords.push(w);
    }
  }
  return { flags, keywords };
}
