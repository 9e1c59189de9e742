// RFC 1939 §4, §6 QUIT: in TRANSACTION, enter UPDATE and commit the deletions in one transaction.
import type { Pop3CommandSpec } from './types.js';

export const quit: Pop3CommandSpec = {
  name: 'QUIT',
  states: ['authorization', 'transaction'],
  async run(session) {
    const s = session.state;
    if (s.kind !== 'transaction') {
      session.ok('Logging out');
      session.conn.close();
      return;
    }
    session.state = { kind: 'update' };
    const doomed = s.messages.filter((m) => s.deleted.has(m.number));
    const total = s.messages.reduce((n, m) => n + m.size, 0);
    const deletedBytes = doomed.reduce((n, m) => n + m.size, 0);
    let committed = false;
    try {
      const seen = session.deps.settings.mark_seen_on_retr ? [...s.retrieved].filter((uid) => !doomed.some((m) => m.uid === uid)) : [];
      if (doomed.length > 0 || seen.length > 0) {
        const tx = s.mailbox.begin();
        if (seen.length > 0) tx.setFlags(seen, 'add', { flags: { seen: true } });
        if (doomed.length > 0) tx.expunge(doomed.map((m) => m.uid));
        await tx.commit();
      }
      committed = true;
      session.ok(`Logging out, ${doomed.length} messages deleted`);
    } catch (err) {
      // RFC 1939 §6: report the failure; nothing the client marked is lost or half-deleted.
      session.storageError(err, 'Some deleted messages were not removed');
    } finally {
      s.release();
      await s.mailbox.close().catch(() => undefined);
      await s.store.close().catch(() => undefined);
      session.logout(s.messages.length, committed ? doomed.length : 0, committed ? deletedBytes : 0, total, committed);
      session.conn.close();
    }
  },
};
