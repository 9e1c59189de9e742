// LOGIN (draft-murchison-sasl-login): challenges "Username:" then "Password:". A non-empty initial
// response is taken as the user name, as Dovecot and Cyrus do, since some clients send one.
import type { AuthBackend } from '../../src/auth/types.js';
import { challenge, failure } from './types.js';
import type { Mechanism, Step } from './types.js';
import { decodeUtf8, hasControl } from './text.js';
import { verifyCleartext } from './verify.js';

/** The challenge texts, exactly as clients expect them. */
export const LOGIN_USERNAME_PROMPT = 'Username:';
export const LOGIN_PASSWORD_PROMPT = 'Password:';

/** A LOGIN server instance. */
export function createLogin(backend: AuthBackend): Mechanism {
  let state: 'new' | 'username' | 'password' | 'done' = 'new';
  let username = '';

  const takeUsername = (bytes: Buffer): Step => {
    const name = decodeUtf8(bytes);
    if (name === null || name === '' || hasControl(name)) {
      state = 'done';
      return failure('malformed', 'LOGIN user name is empty, not UTF-8 or has control characters');
    }
    username = name;
    state = 'password';
    return challenge(LOGIN_PASSWORD_PROMPT);
  };

  return {
    name: 'LOGIN',
    async start(initial) {
      if (state !== 'new') return failure('malformed', 'exchange already started');
      if (initial && initial.length > 0) return takeUsername(initial);
      state = 'username';
      return challenge(LOGIN_USERNAME_PROMPT);
    },
    async step(response) {
      if (state === 'username') return takeUsername(response);
      if (state !== 'password') return failure('malformed', 'unexpected LOGIN response');
      state = 'done';
      const password = decodeUtf8(response);
      if (password === null || password === '') return failure('malformed', 'LOGIN password is empty or not UTF-8');
      return verifyCleartext(backend, username, password);
    },
  };
}
