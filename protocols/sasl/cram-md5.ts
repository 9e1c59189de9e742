// CRAM-MD5 (RFC 2195): the server sends a unique `<random.timestamp@host>` challenge, the client
// answers `user SP hex(HMAC-MD5(secret, challenge))`. Needs the cleartext secret from the user database.
import { createHmac } from 'node:crypto';
import type { AuthBackend } from '../../src/auth/types.js';
import { challenge, failure } from './types.js';
import type { Mechanism } from './types.js';
import { constantTimeEqual, decodeUtf8, hasControl } from './text.js';
import { lookup } from './verify.js';

/** What a CRAM-MD5 instance needs besides the user database. */
export interface CramMd5Options {
  readonly hostname: string;
  readonly nonce: () => string;
  readonly now: () => number;
}

/** Build the challenge string `<nonce.timestamp@hostname>` (RFC 2195 §2 msg-id form). */
export function cramMd5Challenge(options: CramMd5Options): string {
  return `<${options.nonce()}.${Math.floor(options.now())}@${options.hostname}>`;
}

/** The digest a client computes: lower-case hex HMAC-MD5 keyed with the secret. */
export function cramMd5Digest(secret: string, challengeText: string): string {
  return createHmac('md5', Buffer.from(secret, 'utf8')).update(challengeText, 'utf8').digest('hex');
}

// A fixed key used when the user has no cleartext secret, so that both paths do the same work.
const DUMMY_SECRET = 'inboxd-cram-md5-no-such-secret';

/** A CRAM-MD5 server instance. */
export function createCramMd5(backend: AuthBackend, options: CramMd5Options): Mechanism {
  let state: 'new' | 'response' | 'done' = 'new';
  let sent = '';
  return {
    name: 'CRAM-MD5',
    async start(initial) {
      if (state !== 'new') return failure('malformed', 'exchange already started');
      if (initial && initial.length > 0) {
        state = 'done';
        return failure('malformed', 'CRAM-MD5 takes no initial response');
      }
      state = 'response';
      sent = cramMd5Challenge(options);
      return challenge(sent);
    },
    async step(response) {
      if (state !== 'response') return failure('malformed', 'unexpected CRAM-MD5 response');
      state = 'done';
      const text = decodeUtf8(response);
      // The user name may itself contain spaces: the digest follows the last one.
      const space = text === null ? -1 : text.lastIndexOf(' ');
      if (text === null || space <= 0) return failure('malformed', 'CRAM-MD5 response must be "user digest"');
      const username = text.slice(0, space);
      const digest = text.slice(space + 1);
      if (hasControl(username)) return failure('malformed', 'control character in user name');
      if (!/^[0-9a-fA-F]{32}$/.test(digest)) return failure('malformed', 'CRAM-MD5 digest must be 32 hex digits');
      const found = await lookup(() => backend.plainSecret(username));
      if (!found.ok) return found.step;
      const expected = cramMd5Digest(found.value ? found.value.secret : DUMMY_SECRET, sent);
      const match = constantTimeEqual(Buffer.from(expected, 'latin1'), Buffer.from(digest.toLowerCase(), 'latin1'));
      if (!found.value || !match) return failure('credentials', 'wrong user name or CRAM-MD5 digest');
      return { kind: 'success', user: found.value.user };
    },
  };
}
