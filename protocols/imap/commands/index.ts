// The IMAP command table: every command module by name. FETCH and SEARCH (fetch.ts, search.ts)
// register here too; their `capabilities` join the CAPABILITY list.
import type { CommandName } from '../parser/index.js';
import { appendCommand } from './append.js';
import { authenticateCommand } from './authenticate.js';
import { capabilityCommand } from './capability.js';
import { checkCommand } from './check.js';
import { closeCommand } from './close.js';
import { copyCommand } from './copy.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { enableCommand } from './enable.js';
import { expungeCommand } from './expunge.js';
import { fetchCommand } from './fetch.js';
import { idCommand } from './id.js';
import { idleCommand } from './idle.js';
import { listCommand } from './list.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { lsubCommand } from './lsub.js';
import { moveCommand } from './move.js';
import { namespaceCommand } from './namespace.js';
import { noopCommand } from './noop.js';
import { renameCommand } from './rename.js';
import { searchCommand } from './search.js';
import { examineCommand, selectCommand } from './select.js';
import { starttlsCommand } from './starttls.js';
import { statusCommand } from './status.js';
import { storeCommand } from './store.js';
import { subscribeCommand } from './subscribe.js';
import { unselectCommand } from './unselect.js';
import { unsubscribeCommand } from './unsubscribe.js';
import type { ImapCommandSpec } from './types.js';

const ALL: ReadonlyArray<ImapCommandSpec<CommandName>> = [
  appendCommand,
  authenticateCommand,
  capabilityCommand,
  checkCommand,
  closeCommand,
  copyCommand,
  createCommand,
  deleteCommand,
  enableCommand,
  expungeCommand,
  examineCommand,
  fetchCommand,
  idCommand,
  idleCommand,
  listCommand,
  loginCommand,
  logoutCommand,
  lsubCommand,
  moveCommand,
  namespaceCommand,
  noopCommand,
  renameCommand,
  searchCommand,
  selectCommand,
  starttlsCommand,
  statusCommand,
  storeCommand,
  subscribeCommand,
  unselectCommand,
  unsubscribeCommand,
] as unknown as ReadonlyArray<ImapCommandSpec<CommandName>>;

/** Every registered command by upper-case name. */
export const COMMANDS: ReadonlyMap<CommandName, ImapCommandSpec<CommandName>> = new Map(ALL.map((c) => [c.name, c]));

const FROM_COMMANDS: readonly string[] = [...new Set(ALL.flatMap((c) => c.capabilities ?? []))];

/** Capabilities contributed by the registered modules (ESEARCH, BINARY, …). */
export function commandCapabilities(): readonly string[] {
  return FROM_COMMANDS;
}
