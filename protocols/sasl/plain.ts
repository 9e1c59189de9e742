// PLAIN (RFC 4616): one message `[authzid] NUL authcid NUL passwd`, UTF-8, no challenge.
import type { AuthBackend } from '../../src/auth/types.js';
import { challenge, failure } from './types.js';
import type { Mechanism, Step } from './types.js';
import { decodeUtf8, hasControl } from './text.js';
import { verifyCleartext } from './verify.js';

/** Parsed PLAIN message. */
export interface PlainMessage {
  readonly authzid: string;
  readonly authcid: string;
  readonly password: string;
}

/** Split and check a PLAIN message; a string is the reason it is malformed. */
export function parsePlainMessage(message: Buffer): PlainMessage | string {
  const first = message.indexOf(0);
  const second = first < 0 ? -1 : message.indexOf(0, first + 1);
  if (first < 0 || second < 0) return 'PLAIN message needs two NUL separators';
  if (message.indexOf(0, second + 1) >= 0) return 'PLAIN message has more than two NUL separators';
  const authzid = decodeUtf8(message.subarray(0, first));
  const authcid = decodeUtf8(message.subarray(first + 1, second));
  const password = decodeUtf8(message.subarray(second + 1));
  if (authzid === null || authcid === null || password === null) return 'PLAIN message is not valid UTF-8';
  if (authcid === '') return 'empty authentication identity';
  if (password === '') return 'empty password';
  if (hasControl(authcid) || hasControl(authzid)) return 'control character in identity';
  return { authzid, authcid, password };
}

/** A PLAIN server instance. */
export function createPlain(backend: AuthBackend): Mechanism {
  let done = false;
  const finish = async (message: Buffer): Promise<Step> => {
    done = true;
    const parsed = parsePlainMessage(message);
    if (typeof parsed === 'string') return failure('malformed', parsed);
    const result = await verifyCleartext(backend, parsed.authcid, parsed.password);
    if (result.kind !== 'success') return result;
    // Acting as another user is not supported: the authzid may only name the user itself.
    if (parsed.authzid !== '' && parsed.authzid !== parsed.authcid && parsed.authzid !== result.user.username) {
      return failure('authz', 'authorization identity differs from authentication identity');
    }
    return result;
  };
  return {
    name: 'PLAIN',
    async start(initial) {
      if (done) return failure('malformed', 'exchange already finished');
      if (initial === undefined || initial === null) return challenge(Buffer.alloc(0));
      return finish(initial);
    },
    async step(response) {
      if (done) return failure('malformed', 'exchange already finished');
      return finish(response);
    },
  };
}
