// Opening an authenticated user's mail store with the configured location and limits.
import type { AuthenticatedUser } from './auth/types.js';
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';
import { openMailStore } from '../storage/store.js';
import type { MailStore } from '../storage/types.js';

/** The user's mail location: a passwd-file `userdb_mail=` extra field overrides `[mail] location`. */
export function userMailLocation(user: AuthenticatedUser, cfg: Config): string {
  return user.extra['userdb_mail'] || user.extra['mail'] || cfg.mail.location;
}

/** Open the store of an authenticated user. */
export function openUserStore(user: AuthenticatedUser, cfg: Config, log: Logger): Promise<MailStore> {
  return openMailStore(user, userMailLocation(user, cfg), {
    log,
    autocreateSpecialUse: cfg.mail.autocreate_special_use,
    watchPollMs: cfg.mail.watch_poll_seconds * 1000,
    maxMessageSize: cfg.limits.max_message_bytes,
  });
}
