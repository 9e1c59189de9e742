// Streaming output with backpressure for the IMAP session: plain byte streams and literals whose
// announced size must match the bytes sent, whatever the source yields.
import type { Readable } from 'node:stream';

/** Where the bytes go: `write` returns false when the caller should `await flush()`. */
export interface OutputSink {
  write(data: Buffer | string): boolean;
  flush(): Promise<void>;
  /** True once the client is gone: stop producing. */
  readonly closed: boolean;
}

function release(source: Readable | AsyncIterable<Buffer>): void {
  if ('destroy' in source && typeof source.destroy === 'function') source.destroy();
}

/** Copies every chunk of `source` to `sink`, waiting for drains; returns the byte count. */
export async function streamTo(sink: OutputSink, source: Readable | AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  try {
    for await (const raw of source) {
      if (sink.closed) break;
      const chunk = raw as Buffer;
      n += chunk.length;
      if (!sink.write(chunk)) await sink.flush();
    }
  } finally {
    release(source);
  }
  return n;
}

/**
 * Writes `{size}` CRLF (or `~{size}`) and exactly `size` bytes of `source`: extra bytes are cut,
 * missing ones padded with spaces, so the protocol stays in sync. Returns the bytes the source
 * produced (the caller logs a mismatch).
 */
export async function literalTo(sink: OutputSink, size: number, source: Readable | AsyncIterable<Buffer>, binary = false): Promise<number> {
  sink.write(`${binary ? '~' : ''}{${size}}\r\n`);
  let left = size;
  let produced = 0;
  try {
    for await (const raw of source) {
      const chunk = raw as Buffer;
      produced += chunk.length;
      if (left > 0) {
        const piece = chunk.length <= left ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!sink.write(piece)) await sink.flush();
      }
      if (sink.closed) break;
    }
  } finally {
    release(source);
  }
  while (left > 0 && !sink.closed) {
    const pad = Buffer.alloc(Math.min(left, 65536), 0x20);
    left -= pad.length;
    if (!sink.write(pad)) await sink.flush();
  }
  return produced;
}
