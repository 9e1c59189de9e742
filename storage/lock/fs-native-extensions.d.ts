// Minimal types for the parts of fs-native-extensions (no bundled types) that the lock layer uses.
declare module 'fs-native-extensions' {
  /** Non-blocking byte-range lock (whole file when length is 0); false when another holder conflicts. */
  export function tryLock(fd: number, offset?: number, length?: number, opts?: { shared?: boolean }): boolean;
  /** Releases a byte-range lock taken with tryLock on the same descriptor. */
  export function unlock(fd: number, offset?: number, length?: number): void;
}
