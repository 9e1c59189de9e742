// The POP3 command table.
import { apop } from './apop.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';
import type { Pop3CommandSpec } from './types.js';

/** Every command by upper-case name. */
export const COMMANDS: ReadonlyMap<string, Pop3CommandSpec> = new Map(
  [apop, auth, capa, dele, list, noop, pass, quit, retr, rset, stat, stls, top, uidl, user].map((c) => [c.name, c]),
);
