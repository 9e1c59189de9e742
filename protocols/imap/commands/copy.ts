// RFC 3501 §6.4.7 COPY (and UID COPY), with RFC 4315 COPYUID
import { sequenceSet } from '../encode/index.js';
import { isMailError } from '../../../storage/errors.js';
import type { CommandOf } from '../parser/index.js';
import { mailboxFromWire, no, ok, own, SELECTED } from './helpers.js';
import type { ImapCommandSpec, ImapSession, TaggedResult } from './types.js';

/** COPY and MOVE: copies (or moves) the set into another mailbox; TRYCREATE when it does not exist. */
export async function copyOrMove(session: ImapSession, cmd: CommandOf<'COPY'> | CommandOf<'MOVE'>, move: boolean): Promise<TaggedResult> {
  try {
    return await copyOrMoveUnchecked(session, cmd, move);
  } catch (err) {
    if (isMailError(err, 'NotFound')) return no('The target mailbox does not exist', 'TRYCREATE');
    throw err;
  }
}

async function copyOrMoveUnchecked(session: ImapSession, cmd: CommandOf<'COPY'> | CommandOf<'MOVE'>, move: boolean): Promise<TaggedResult> {
  const s = own(session);
  const sel = s.selected();
  const requested = s.resolveSequenceSet(cmd.args.set, { uid: cmd.uid });
  const target = mailboxFromWire(session, cmd.args.mailbox);
  const mailbox = sel.mailbox;
  if (requested.some((uid) => mailbox.byUid(uid) === undefined)) return no('Some of the messages were expunged', 'EXPUNGEISSUED');
  if (move && sel.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
  const verb = move ? 'Move' : 'Copy';
  if (requested.length === 0) {
    // Still refuse an unknown target, as a client expects TRYCREATE either way.
    await sel.store.status(target).catch((err: unknown) => {
      if (isMailError(err, 'NotFound')) throw err;
    });
    return ok(`${verb} completed, no messages`);
  }
  const tx = mailbox.begin();
  if (move) tx.move(requested, target);
  else tx.copy(requested, target);
  const result = await tx.commit();
  const copied = result.copies[0];
  const code = copied ? `COPYUID ${copied.uidValidity} ${sequenceSet(copied.source)} ${sequenceSet(copied.target)}` : undefined;
  if (move) {
    // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
    if (code) s.write(`* OK [${code}] Moved UIDs\r\n`);
    await s.syncMailbox();
    return ok(`${verb} completed`);
  }
  return ok(`${verb} completed`, code);
}

export const copyCommand: ImapCommandSpec<'COPY'> = {
  name: 'COPY',
  states: SELECTED,
  expungeAllowed: true,
  run: (session, cmd) => copyOrMove(session, cmd, false),
};
