// Dovecot-style mail_location strings: `<format>:<path>[:KEY=value]...`, e.g.
// `maildir:~/Maildir`, `maildir:~/Maildir:INDEX=/var/index/%u:LAYOUT=fs`,
// `mbox:~/mail:INBOX=/var/mail/%u`. "::" stands for a literal ":" inside a value.
// Variables: %u full user name, %n its local part, %d its domain, %h home, %% a percent sign;
// a leading "~" is the home directory. Expanded paths must be absolute.

import { isAbsolute, normalize } from 'node:path';
import { MailError } from './errors.js';

/** The formats a location may name. */
export type MailFormat = 'maildir' | 'mbox';

/** A parsed, expanded mail location. */
export interface MailLocation {
  format: MailFormat;
  /** The mail root (Maildir: the INBOX Maildir; mbox: the folder directory). */
  root: string;
  /** mbox: the INBOX spool file. */
  inbox?: string;
  /** Where index files go; default: inside each mailbox. */
  index?: string;
  /** Where control files (uidlist, subscriptions) go; default: root. */
  control?: string;
  /** `fs` puts folders in subdirectories instead of Maildir++ dot names. */
  layout?: 'maildir++' | 'fs';
  /** Other KEY=value options, kept as given (expanded). */
  options: Record<string, string>;
}

/** The user fields that variables expand to. */
export interface LocationUser {
  username: string;
  home: string;
}

function bad(why: string): MailError {
  return new MailError('Invalid', `mail location: ${why}`);
}

/** Split on single ":" while "::" stands for ":". */
function splitFields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ':') {
      if (s[i + 1] === ':') {
        cur += ':';
        i++;
        continue;
      }
      out.push(cur);
      cur = '';
      continue;
    }
    cur += s[i];
  }
  out.push(cur);
  return out;
}

/** Expand %u %n %d %h %% and a leading ~ in one value; refuses unknown variables. */
export function expandMailVariables(value: string, user: LocationUser): string {
  const at = user.username.lastIndexOf('@');
  const vars: Record<string, string> = {
    u: user.username,
    n: at < 0 ? user.username : user.username.slice(0, at),
    d: at < 0 ? '' : user.username.slice(at + 1),
    h: user.home,
    '%': '%',
  };
  let out = value.replace(/%(.?)/g, (_m, v: string) => {
    const r = vars[v];
    if (r === undefined) throw bad(`unknown variable %${v}`);
    if (v !== '%' && v !== 'h' && (r.includes('/') || r === '..' || r === '.')) throw bad(`%${v} expands to an unsafe value`);
    return r;
  });
  if (out === '~' || out.startsWith('~/')) {
    if (!user.home || !isAbsolute(user.home)) throw bad('~ used but the user has no absolute home directory');
    out = user.home + out.slice(1);
  }
  return out;
}

function absolutePath(value: string, key: string): string {
  if (!isAbsolute(value)) throw bad(`${key} path ${JSON.stringify(value)} is not absolute`);
  return normalize(value).replace(/\/+$/, '') || '/';
}

/** Parse and expand a mail_location string for one user; throws MailError Invalid. */
export function parseMailLocation(location: string, user: LocationUser): MailLocation {
  const fields = splitFields(location.trim());
  const head = fields.shift() ?? '';
  if (head !== 'maildir' && head !== 'mbox') throw bad(`unknown format ${JSON.stringify(head)} (maildir or mbox)`);
  const rawRoot = fields.shift();
  if (rawRoot === undefined || rawRoot === '') throw bad('no path after the format');
  const result: MailLocation = { format: head, root: absolutePath(expandMailVariables(rawRoot, user), 'mail'), options: {} };
  for (const f of fields) {
    if (f === '') continue;
    const eq = f.indexOf('=');
    if (eq <= 0) throw bad(`option ${JSON.stringify(f)} is not KEY=value`);
    const key = f.slice(0, eq).toUpperCase();
    const value = expandMailVariables(f.slice(eq + 1), user);
    switch (key) {
      case 'INBOX':
        result.inbox = absolutePath(value, 'INBOX');
        break;
      case 'INDEX':
        if (value.toUpperCase() !== 'MEMORY') result.index = absolutePath(value, 'INDEX');
        break;
      case 'CONTROL':
        result.control = absolutePath(value, 'CONTROL');
        break;
      case 'LAYOUT':
        if (value !== 'fs' && value !== 'maildir++') throw bad(`unknown LAYOUT ${JSON.stringify(value)}`);
        result.layout = value;
        break;
      default:
        result.options[key] = value;
    }
  }
  return result;
}
