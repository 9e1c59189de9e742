// Entering the TRANSACTION state (RFC 1939 §4): claim the maildrop, open INBOX, fix the message list.
import { createHash } from 'node:crypto';
import type { AuthenticatedUser } from '../../src/auth/types.js';
import type { Mailbox, MailStore } from '../../storage/types.js';
import type { Pop3Session } from './session.js';
import type { Pop3Message } from './state.js';
import { formatUidl, isValidUidl, uidlNeedsHeader } from './uidl.js';

/**
 * Finish a successful authentication: answer +OK and switch to TRANSACTION, or answer -ERR with
 * [LOGIN-DELAY], [IN-USE] or [SYS/TEMP] and stay in AUTHORIZATION.
 */
export async function enterTransaction(session: Pop3Session, user: AuthenticatedUser): Promise<void> {
  const { deps, conn } = session;
  const wait = deps.maildrops.loginDelayLeft(user.username);
  if (wait > 0) return session.err(`Logged in too recently, wait ${wait} seconds`, 'LOGIN-DELAY');
  const release = deps.maildrops.acquire(user.username);
  if (!release) return session.err('Mailbox is locked by another POP3 session', 'IN-USE');
  let store: MailStore | undefined;
  let mailbox: Mailbox | undefined;
  try {
    store = await deps.openStore(user);
    mailbox = await store.open('INBOX');
    const messages = await snapshot(session, mailbox);
    session.state = { kind: 'transaction', user, store, mailbox, messages, deleted: new Set(), retrieved: new Set(), release };
    deps.onLogin?.(user, conn.clientIp);
    const size = messages.reduce((n, m) => n + m.size, 0);
    conn.log.info({ user: user.username, messages: messages.length, size }, 'pop3 login');
    session.ok(`Logged in, ${messages.length} messages (${size} octets)`);
  } catch (err) {
    release();
    await mailbox?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    session.storageError(err, 'Cannot open the mailbox');
  }
}

/** The fixed message list of the session, with UIDLs. */
async function snapshot(session: Pop3Session, mailbox: Mailbox): Promise<Pop3Message[]> {
  const { uidl_format: format, reuse_x_uidl: reuse } = session.deps.settings;
  const needHeader = uidlNeedsHeader(format) || reuse;
  const out: Pop3Message[] = [];
  const seen = new Set<string>();
  for (const info of mailbox.messages) {
    let uidl: string;
    if (needHeader) {
      const header = await readAll(await mailbox.openContent(info.uid, { what: 'header' }));
      // A reused X-UIDL must still be unique within the maildrop (RFC 1939 §7).
      const candidate = reuse ? xUidl(header) : null;
      const fromHeader = candidate !== null && !seen.has(candidate) ? candidate : null;
      uidl = fromHeader ?? formatUidl(format, { uid: info.uid, uidValidity: mailbox.uidValidity, headerMd5: createHash('md5').update(header).digest('hex') });
    } else {
      uidl = formatUidl(format, { uid: info.uid, uidValidity: mailbox.uidValidity });
    }
    seen.add(uidl);
    out.push({ number: out.length + 1, uid: info.uid, size: info.size, uidl });
  }
  return out;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The value of an X-UIDL header field (qpopper), when it is a valid UIDL. */
function xUidl(header: Buffer): string | null {
  const m = /^X-UIDL:[ \t]*([^\r\n]*)/im.exec(header.toString('latin1'));
  const value = m?.[1].trim();
  return value && isValidUidl(value) ? value : null;
}
