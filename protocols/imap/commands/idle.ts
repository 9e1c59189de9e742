// RFC 2177 IDLE: push mailbox changes until DONE, with `* OK Still here` keepalives
//
// Three things can happen while idling: the client's line (DONE ends IDLE, anything else is BAD),
// a change of the selected mailbox (storage's waitForChange wakes us: sync and send the updates,
// EXPUNGE included), or the keepalive timer. The autologout timer is off meanwhile (RFC 3501 §5.4
// lets an IDLE client stay), and a server shutdown says BYE at once because the session waits for
// input.
import { isIdleDone } from '../parser/index.js';
import type { ParserEvent } from '../parser/index.js';
import { bad, LOGGED_IN, ok, own } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

type Wake = { kind: 'input'; ev: ParserEvent | null } | { kind: 'change' } | { kind: 'keepalive' };

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
    const stop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      await s.syncMailbox();
      for (;;) {
        const waits: Array<Promise<Wake>> = [input];
        const sel = s.state.kind === 'selected' ? s.state.mailbox : null;
        const round = new AbortController();
        const onStop = () => round.abort();
        stop.signal.addEventListener('abort', onStop, { once: true });
        if (sel) waits.push(sel.waitForChange(round.signal).then((): Wake => ({ kind: 'change' }), (): Wake => ({ kind: 'keepalive' })));
        if (keepaliveMs > 0) waits.push(new Promise<Wake>((resolve) => (timer = setTimeout(() => resolve({ kind: 'keepalive' }), keepaliveMs))));
        const wake = await Promise.race(waits);
        clearTimeout(timer);
        round.abort();
        stop.signal.removeEventListener('abort', onStop);
        if (wake.kind === 'input') {
          const ev = wake.ev;
          if (ev === null) return ok('IDLE ended by disconnect');
          if (ev.kind === 'line' && isIdleDone(ev.line)) return ok('IDLE terminated');
          return bad('Expected DONE to end IDLE');
        }
        if (wake.kind === 'change') await s.syncMailbox();
        else if (!s.closed && s.idleForInput) s.write('* OK Still here\r\n');
        if (s.closed) return ok('IDLE ended by disconnect');
      }
    } finally {
      clearTimeout(timer);
      stop.abort();
      s.armAutologout();
    }
  },
};
