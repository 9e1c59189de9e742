// RFC 1939 §5 NOOP
import type { Pop3CommandSpec } from './types.js';

export const noop: Pop3CommandSpec = {
  name: 'NOOP',
  states: ['transaction'],
  async run(session) {
    session.ok();
  },
};
