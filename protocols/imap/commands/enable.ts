// RFC 5161 ENABLE: no extension of this server needs enabling yet, so `* ENABLED` lists none
import { LOGGED_IN, ok } from './helpers.js';
import type { ImapCommandSpec } from './types.js';

/** Extensions ENABLE can turn on (upper-case); empty until one is implemented. */
const ENABLEABLE: ReadonlySet<string> = new Set<string>();

export const enableCommand: ImapCommandSpec<'ENABLE'> = {
  name: 'ENABLE',
  states: LOGGED_IN,
  expungeAllowed: true,
  run(session, cmd) {
    const turned: string[] = [];
    const enabled = session.enabled as Set<string>;
    for (const c of cmd.args.capabilities) {
      const name = c.toUpperCase();
      if (ENABLEABLE.has(name) && !enabled.has(name)) {
        enabled.add(name);
        turned.push(name);
      }
    }
    session.write(`* ENABLED${turned.map((t) => ` ${t}`).join('')}\r\n`);
    return Promise.resolve(ok('Enable completed'));
  },
};
