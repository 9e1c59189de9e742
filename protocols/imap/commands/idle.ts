// RFC 2177 IDLE: push mailbox changes until DONE, with `* OK Still here` keepalives
//
// Three things can wake an idling session: the client's line (DONE ends IDLE, anything else is
// BAD), a change of the selected mailbox (storage's waitForChange: sync and send the updates,
// EXPUNGE included), or the keepalive timer. The autologout timer is off meanwhile (RFC 3501 §5.4
// lets an IDLE client stay), and a server shutdown says BYE at once because the session waits for
// input. If watching the mailbox fails, IDLE goes on with keepalives only (the failure is logged).
import { isIdleDone } from '../parser/index.js';
import type { ParserEvent } from '../parser/index.js';
import type { Mailbox } from '../../../storage/types.js';
import { bad, LOGGED_IN, ok, own } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

type Wake = { kind: 'input'; ev: ParserEvent | null } | { kind: 'change' } | { kind: 'keepalive' } | { kind: 'watch-failed'; err: unknown };

export const idleCommand: ImapCommandSpec<'IDLE'> = {
  name: 'IDLE',
  states: LOGGED_IN,
  expungeAllowed: true,
  async run(session) {
    const s = own(session);
    const keepaliveMs = s.deps.settings.idle_keepalive_seconds * 1000;
    s.suspendAutologout();
    s.write('+ idling\r\n');
    s.expectLine();
    const input = s.nextEvent().then((ev): Wake => ({ kind: 'input', ev }));
    let watched: Mailbox | null = s.state.kind === 'selected' ? s.state.mailbox : null;
    try {
      await s.syncMailbox();
      for (;;) {
        const round = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const waits: Array<Promise<Wake>> = [input];
        if (watched) {
          waits.push(
            watched.waitForChange(round.signal).then(
              (): Wake => ({ kind: 'change' }),
              (err: unknown): Wake => ({ kind: 'watch-failed', err }),
            ),
          );
        }
        if (keepaliveMs > 0) waits.push(new Promise<Wake>((resolve) => (timer = setTimeout(() => resolve({ kind: 'keepalive' }), keepaliveMs))));
        const wake = await Promise.race(waits);
        clearTimeout(timer);
        round.abort();
        switch (wake.kind) {
          case 'input': {
            const ev = wake.ev;
            if (ev === null) return ok('IDLE ended by disconnect');
            if (ev.kind === 'line' && isIdleDone(ev.line)) return ok('IDLE terminated');
            return bad('Expected DONE to end IDLE');
          }
          case 'change':
            await s.syncMailbox();
            break;
          case 'keepalive':
            s.write('* OK Still here\r\n');
            break;
          case 'watch-failed':
            s.log.warn({ err: wake.err }, 'imap IDLE cannot watch the mailbox; keepalives only');
            watched = null;
            break;
        }
      }
    } finally {
      s.armAutologout();
    }
  },
};
