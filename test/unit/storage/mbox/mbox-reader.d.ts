// Minimal types for the dev-only mbox-reader package (no bundled types), used to cross-check.
declare module 'mbox-reader' {
  import type { Readable } from 'node:stream';
  /** One message as mbox-reader yields it. */
  export interface MboxReaderMessage {
    returnPath: string;
    time: Date | false;
    content: Buffer;
    headers: Map<string, string[]>;
    flags: string[];
  }
  export function mboxReader(input: Readable, options?: { gz?: boolean }): AsyncGenerator<MboxReaderMessage>;
}
