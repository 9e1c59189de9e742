// RFC 3501 §6.3.11 APPEND, with RFC 3502 MULTIAPPEND and RFC 4315 APPENDUID
//
// The parser announces each message (`append-message`), streams its bytes (`literal-data`), and
// ends with the APPEND `command`. Nothing reaches the mailbox before that final event: every
// message of a MULTIAPPEND is committed in one transaction, and a client that disconnects (or
// sends garbage) in the middle leaves no partial message. A refused APPEND (wrong state, unknown
// mailbox) is answered before `+` for a synchronizing literal; the bytes of a non-synchronizing
// one are read and dropped. The messages wait in memory until the end, so one APPEND may carry at
// most `limits.max_literal_bytes` in total (NO [TOOBIG] beyond that).
import type { Mailbox } from '../../../storage/types.js';
import { continuation, sequenceSet } from '../encode/index.js';
import type { AppendMessage, AppendMessageEvent } from '../parser/index.js';
import type { ImapServerSession } from '../session.js';
import { mailErrorResult } from '../errors.js';
import { CommandError } from './types.js';
import type { ImapCommandSpec, TaggedResult } from './types.js';
import { bad, flagUpdate, LOGGED_IN, mailboxFromWire, no, ok } from './helpers.js';

interface Pending {
  meta: AppendMessage;
  chunks: Buffer[];
}

/** Checks that APPEND may go ahead now: state and target mailbox. */
async function precheck(session: ImapServerSession, rawName: string): Promise<{ name: string } | TaggedResult> {
  const s = session.state;
  if (s.kind === 'notAuthenticated') return bad('APPEND is not valid now: Log in first');
  try {
    const name = mailboxFromWire(session, rawName);
    await s.store.status(name);
    return { name };
  } catch (err) {
    if (err instanceof CommandError) return err.result;
    const mapped = mailErrorResult(err, 'Cannot append');
    if (mapped?.code === 'NONEXISTENT') return no('Mailbox does not exist', 'TRYCREATE');
    return mapped ?? session.failure(err, 'APPEND');
  }
}

/** Reads an APPEND from its first `append-message` event to its end; null if the client left. */
export async function receiveAppend(session: ImapServerSession, first: AppendMessageEvent): Promise<{ tag: string; result: TaggedResult } | null> {
  const tag = first.tag;
  const checked = await precheck(session, first.mailbox);
  let refusal: TaggedResult | null = 'status' in checked ? checked : null;
  const messages: Pending[] = [];
  const maxTotal = session.deps.limits.max_literal_bytes;
  let total = 0;
  let ev = first as Awaited<ReturnType<ImapServerSession['nextEvent']>>;
  for (;;) {
    if (ev === null) return null;
    switch (ev.kind) {
      case 'append-message':
        total += ev.message.size;
        if (refusal === null && total > maxTotal) {
          refusal = no(`One APPEND may carry at most ${maxTotal} bytes`, 'TOOBIG');
          messages.length = 0;
        }
        messages.push({ meta: ev.message, chunks: [] });
        break;
      case 'continuation-needed':
        if (refusal) {
          session.rejectLiteral();
          return { tag, result: refusal };
        }
        session.write(continuation('Ready for literal data'));
        break;
      case 'literal-data':
        if (!refusal) messages[messages.length - 1]?.chunks.push(ev.chunk);
        break;
      case 'literal-end':
        break;
      case 'error':
        if (ev.fatal) {
          session.write(`* BYE ${ev.message}\r\n`);
          session.conn.close();
          return null;
        }
        return { tag: ev.tag ?? tag, result: ev.code === 'TOOBIG' ? no(ev.message, 'TOOBIG') : bad(ev.message) };
      case 'command':
        if (ev.command.tag !== tag || ev.command.name !== 'APPEND') return { tag, result: bad('APPEND interrupted') };
        if (refusal) return { tag, result: refusal };
        return { tag, result: await commit(session, (checked as { name: string }).name, messages).catch((err: unknown) => session.failure(err, 'APPEND')) };
      default:
        break;
    }
    if (refusal === null && ev.kind === 'append-message') {
      try {
        flagUpdate(ev.message.flags);
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        refusal = err.result;
      }
    }
    ev = await session.nextEvent();
  }
}

async function commit(session: ImapServerSession, name: string, messages: Pending[]): Promise<TaggedResult> {
  const s = session.state;
  if (s.kind === 'notAuthenticated') return bad('Log in first');
  const useSelected = s.kind === 'selected' && s.name === name && !s.readOnly;
  const mailbox: Mailbox = useSelected ? s.mailbox : await s.store.open(name);
  try {
    const tx = mailbox.begin();
    for (const m of messages) {
      const { flags, keywords } = flagUpdate(m.meta.flags);
      tx.append(Buffer.concat(m.chunks), { flags, keywords, ...(m.meta.date ? { internalDate: m.meta.date.time.getTime() } : {}) });
    }
    const result = await tx.commit();
    return ok('Append completed', `APPENDUID ${result.uidValidity} ${sequenceSet(result.appended)}`);
  } finally {
    if (!useSelected) await mailbox.close().catch(() => undefined);
  }
}

/** APPEND always arrives through receiveAppend (it has at least one literal); this is a fallback. */
export const appendCommand: ImapCommandSpec<'APPEND'> = {
  name: 'APPEND',
  states: LOGGED_IN,
  expungeAllowed: true,
  run() {
    return Promise.resolve(bad('APPEND needs a message literal'));
  },
};
