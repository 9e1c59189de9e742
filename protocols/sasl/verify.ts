// Calls into the user database on behalf of the mechanisms, turning a thrown error into a 'temp' failure.
import type { AuthBackend } from '../../src/auth/types.js';
import { failure } from './types.js';
import type { Step } from './types.js';

/** Check a cleartext password; a backend error becomes a temporary failure. */
export async function verifyCleartext(backend: AuthBackend, username: string, password: string): Promise<Step> {
  try {
    const user = await backend.verifyPassword(username, password);
    return user ? { kind: 'success', user } : failure('credentials', 'wrong user name or password');
  } catch (err) {
    return failure('temp', `user database error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Run a backend lookup; a thrown error becomes a temporary failure step. */
export async function lookup<T>(run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; step: Step }> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, step: failure('temp', `user database error: ${err instanceof Error ? err.message : String(err)}`) };
  }
}
