// openMailStore: the only way to a user's mail. Resolves the mail location for the user and
// builds the backend's store with every limit taken from the caller (the config).

import type { AuthenticatedUser } from '../src/auth/types.js';
import type { Logger } from '../src/log.js';
import { MailError } from './errors.js';
import { parseMailLocation } from './location.js';
import type { MailLocation } from './location.js';
import type { MimeParseLimits } from './message/mime-parser.js';
import { DEFAULT_NAME_LIMITS } from './names.js';
import type { NameLimits } from './names.js';
import type { MailStore, SpecialUse } from './types.js';
import { LayoutStore } from './mail-store.js';
import { MaildirLayout } from './maildir/layout.js';
import { MaildirQuota } from './maildir/quota.js';
import type { QuotaLimits } from './maildir/quota.js';
import { DEFAULT_UIDLIST_LOCK } from './maildir/uidlist.js';
import type { UidlistLockOptions } from './maildir/uidlist.js';

/** Options of openMailStore; defaults in brackets. */
export interface MailStoreOptions {
  log: Logger;
  /** Special-use folders created when missing (config mail.autocreate_special_use) [none]. */
  autocreateSpecialUse?: readonly SpecialUse[];
  /** Stat polling interval of change detection (config mail.watch_poll_seconds) [5000]. */
  watchPollMs?: number;
  /** Also watch directories with fs.watch [true]; polling alone when false. */
  watchFs?: boolean;
  /** Quota limits; when absent, Maildir++ limits in maildirsize apply if present. */
  quota?: QuotaLimits;
  /** Largest message append accepts, bytes; 0 = no limit [0]. */
  maxMessageSize?: number;
  nameLimits?: NameLimits;
  uidlistLock?: UidlistLockOptions;
  /** Age after which tmp/ files are removed [36 h]. */
  tmpStaleMs?: number;
  /** Expunged UIDs remembered with their MODSEQ per mailbox [10000]. */
  maxExpungedRemembered?: number;
  parseLimits?: MimeParseLimits;
  /** How long a sync waits for the \Recent claim lock shared with other processes [2000]. */
  recentLockTimeoutMs?: number;
  /** Clock, ms since the epoch [Date.now]. */
  now?: () => number;
}

/** Open a user's mail store from a location string (e.g. config mail.location) or a parsed one. */
export async function openMailStore(user: AuthenticatedUser, location: string | MailLocation, options: MailStoreOptions): Promise<MailStore> {
  const loc = typeof location === 'string' ? parseMailLocation(location, { username: user.username, home: user.home }) : location;
  if (loc.format !== 'maildir') throw new MailError('Cannot', `the ${loc.format} backend is not available`);
  if (loc.layout === 'fs') throw new MailError('Cannot', 'LAYOUT=fs is not supported for Maildir');
  const now = options.now ?? Date.now;
  const log = options.log.child({ user: user.username });
  const layout = new MaildirLayout({
    root: loc.root,
    indexRoot: loc.index,
    nameLimits: options.nameLimits ?? DEFAULT_NAME_LIMITS,
    backend: {
      log,
      uidlistLock: options.uidlistLock ?? DEFAULT_UIDLIST_LOCK,
      tmpStaleMs: options.tmpStaleMs ?? 36 * 3600 * 1000,
      pollMs: options.watchPollMs ?? 5000,
      watch: options.watchFs ?? true,
      quota: new MaildirQuota(loc.root, options.quota),
      now,
    },
  });
  const store = new LayoutStore(layout, {
    nameLimits: options.nameLimits ?? DEFAULT_NAME_LIMITS,
    shared: { log, maxExpungedRemembered: options.maxExpungedRemembered ?? 10_000, recentLockTimeoutMs: options.recentLockTimeoutMs ?? 2000 },
    tx: { log, maxMessageSize: options.maxMessageSize ?? 0, parseLimits: options.parseLimits },
    autocreate: options.autocreateSpecialUse ?? [],
  });
  await store.init();
  return store;
}
