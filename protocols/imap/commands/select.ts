// RFC 3501 §6.3.1 SELECT and §6.3.2 EXAMINE
import type { CommandOf } from '../parser/index.js';
import { untaggedStatus } from '../encode/index.js';
import { countRecent, flagsLines } from '../updates.js';
import { LOGGED_IN, mailboxFromWire, ok, own, storeOf } from './helpers.js';
import type { ImapCommandSpec, ImapSession, TaggedResult } from './types.js';

async function open(session: ImapSession, cmd: CommandOf<'SELECT'> | CommandOf<'EXAMINE'>, examine: boolean): Promise<TaggedResult> {
  const s = own(session);
  const name = mailboxFromWire(session, cmd.args.mailbox);
  const store = storeOf(session);
  // RFC 3501: a failed SELECT leaves no mailbox selected.
  await s.leaveSelected();
  const mailbox = await store.open(name, { readOnly: examine });
  const readOnly = examine || mailbox.readOnly;
  const keywords = new Set<string>();
  let firstUnseen = 0;
  mailbox.messages.forEach((m, i) => {
    for (const k of m.keywords) keywords.add(k);
    if (firstUnseen === 0 && !m.flags.seen) firstUnseen = i + 1;
  });
  await s.enterSelected(mailbox, name, readOnly, keywords);
  for (const line of flagsLines(keywords, readOnly)) s.write(line);
  s.untagged(mailbox.messages.length, 'EXISTS');
  // A read-only view claims no \Recent; EXAMINE still reports how many are recent (as Dovecot does).
  const recent = readOnly ? (await store.status(name).catch(() => null))?.recent ?? 0 : countRecent(mailbox);
  s.untagged(recent, 'RECENT');
  if (firstUnseen > 0) s.write(untaggedStatus('OK', `First unseen message is ${firstUnseen}`, { name: 'UNSEEN', args: [firstUnseen] }));
  s.write(untaggedStatus('OK', 'UIDs valid', { name: 'UIDVALIDITY', args: [mailbox.uidValidity] }));
  s.write(untaggedStatus('OK', 'Predicted next UID', { name: 'UIDNEXT', args: [mailbox.uidNext] }));
  return ok(`${examine ? 'Examine' : 'Select'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

export const selectCommand: ImapCommandSpec<'SELECT'> = {
  name: 'SELECT',
  states: LOGGED_IN,
  expungeAllowed: true,
  run: (session, cmd) => open(session, cmd, false),
};

export const examineCommand: ImapCommandSpec<'EXAMINE'> = {
  name: 'EXAMINE',
  states: LOGGED_IN,
  expungeAllowed: true,
  run: (session, cmd) => open(session, cmd, true),
};
