// Small byte and text helpers shared by the mechanisms: strict UTF-8 and constant-time comparison.
import { createHash, timingSafeEqual } from 'node:crypto';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decode UTF-8, or null when the bytes are not well-formed UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** True when the string holds a C0 control character or DEL (never valid in a user name or password here). */
export function hasControl(s: string): boolean {
  return /[\x00-\x1f\x7f]/.test(s);
}

/**
 * Compare two byte strings in time that depends only on their lengths' digest size, not on where
 * they differ: both sides are hashed first, so unequal lengths leak nothing either.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
