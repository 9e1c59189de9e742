// Minimal declarations for the untyped libraries this folder uses.

declare module 'libmime' {
  interface ParsedHeaderValue {
    value: string | false;
    params: Record<string, string>;
  }
  interface Libmime {
    decodeWords(str: string): string;
    parseHeaderValue(str: string): ParsedHeaderValue;
    charset: unknown;
  }
  const libmime: Libmime;
  export default libmime;
}

declare module 'libmime/lib/charset.js' {
  interface Charset {
    decode(buf: Buffer, fromCharset?: string): string;
    normalizeCharset(charset: string): string;
  }
  const charset: Charset;
  export default charset;
}

declare module 'libqp' {
  interface Libqp {
    decode(input: string | Buffer): Buffer;
  }
  const libqp: Libqp;
  export default libqp;
}
