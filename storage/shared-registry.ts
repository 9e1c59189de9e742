// One MailboxShared per mailbox directory per process, reference counted, so that every session
// of this process that opens the same mailbox sees the others' commits at once.

import { MailboxShared } from './mailbox-shared.js';
import type { SharedOptions } from './mailbox-shared.js';
import type { MailboxBackend } from './types.js';

const registry = new Map<string, MailboxShared>();

/** Get (or create) the shared state of a mailbox; call the returned release when done. */
export function acquireShared(
  key: string,
  create: () => MailboxBackend,
  options: SharedOptions,
): { shared: MailboxShared; release: () => Promise<void> } {
  let shared = registry.get(key);
  if (!shared) {
    shared = new MailboxShared(create(), options);
    registry.set(key, shared);
  }
  shared.refs++;
  const s = shared;
  let released = false;
  return {
    shared: s,
    release: async () => {
      if (released) return;
      released = true;
      s.refs--;
      if (s.refs === 0 && registry.get(key) === s) {
        registry.delete(key);
        await s.backend.close();
      }
    },
  };
}

/** Drop the shared states of mailboxes under a directory (after delete or rename). */
export function forgetShared(keyPrefix: string): void {
  for (const key of [...registry.keys()]) {
    if (key === keyPrefix || key.startsWith(keyPrefix + '/')) registry.delete(key);
  }
}
