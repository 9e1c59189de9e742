// HAProxy PROXY protocol v1 (text) and v2 (binary) header parser: strict, pure and incremental.
//
// Design: every feed() appends to a small buffer (bounded by the caps) and re-examines the whole
// buffer from its first byte, returning the first problem found, "need more" when the bytes end
// before a decision, or the parsed header. Because each decision depends only on bytes that are
// present, feeding the same input in chunks of any size gives the same result. The buffer is at
// most 107 bytes (v1) or 16 + the v2 length cap, so re-examining it costs nothing measurable.
import { isIPv4, isIPv6 } from 'node:net';

/** An endpoint announced by the proxy. */
export interface ProxyAddress {
  readonly address: string;
  readonly port: number;
}

/** What one feed() call yields. `rest` holds bytes that followed the header (protocol data). */
export type ProxyParseResult =
  | { readonly kind: 'need-more' }
  | {
      readonly kind: 'done';
      readonly version: 1 | 2;
      /** Absent for v1 UNKNOWN, v2 LOCAL and v2 AF_UNSPEC: use the real connection's addresses. */
      readonly source?: ProxyAddress;
      readonly destination?: ProxyAddress;
      readonly rest: Buffer;
    }
  | { readonly kind: 'error'; readonly reason: string };

/** Limits for the parser; the v1 limit is fixed by the specification. */
export interface ProxyParserOptions {
  /** Largest v2 payload (addresses + TLVs) accepted, in bytes; the header is 16 bytes more. */
  readonly maxV2PayloadBytes: number;
}

/** Largest v1 header, CRLF included (specification §2.1). */
export const PROXY_V1_MAX_BYTES = 107;
/** The 12-byte v2 signature. */
export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const NEED_MORE: ProxyParseResult = { kind: 'need-more' };

/** An incremental parser for one connection's PROXY header. */
export class ProxyHeaderParser {
  private buffer: Buffer = Buffer.alloc(0);
  private finished = false;

  constructor(private readonly options: ProxyParserOptions = { maxV2PayloadBytes: 1024 }) {}

  /** Add received bytes; once the result is `done` or `error`, the parser must not be fed again. */
  feed(bytes: Uint8Array): ProxyParseResult {
    if (this.finished) throw new Error('ProxyHeaderParser: feed() after the header was complete');
    this.buffer = this.buffer.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.buffer, bytes]);
    const result = parseProxyHeader(this.buffer, this.options);
    if (result.kind !== 'need-more') {
      this.finished = true;
      this.buffer = Buffer.alloc(0);
    }
    return result;
  }
}

/** Examine a buffer that starts where the header should start. Pure: same input, same result. */
export function parseProxyHeader(buf: Buffer, options: ProxyParserOptions): ProxyParseResult {
  if (buf.length === 0) return NEED_MORE;
  if (buf[0] === V1_PREFIX[0]) return parseV1(buf);
  if (buf[0] === PROXY_V2_SIGNATURE[0]) return parseV2(buf, options);
  return { kind: 'error', reason: 'not a PROXY protocol header' };
}

function parseV1(buf: Buffer): ProxyParseResult {
  const prefixLen = Math.min(buf.length, V1_PREFIX.length);
  if (!buf.subarray(0, prefixLen).equals(V1_PREFIX.subarray(0, prefixLen))) {
    return { kind: 'error', reason: 'v1: header does not start with "PROXY "' };
  }
  // Look for CR LF within the first 107 bytes; only printable ASCII may come before it.
  const limit = Math.min(buf.length, PROXY_V1_MAX_BYTES);
  let end = -1;
  for (let i = 0; i < limit; i++) {
    const c = buf[i];
    if (c === 0x0d) {
      if (i + 2 > PROXY_V1_MAX_BYTES) return { kind: 'error', reason: `v1: no CRLF within ${PROXY_V1_MAX_BYTES} bytes` };
      if (i + 1 >= buf.length) return NEED_MORE;
      if (buf[i + 1] !== 0x0a) return { kind: 'error', reason: 'v1: CR not followed by LF' };
      end = i;
      break;
    }
    if (c < 0x20 || c > 0x7e) return { kind: 'error', reason: 'v1: control or non-ASCII byte in header' };
  }
  if (end === -1) {
    if (buf.length >= PROXY_V1_MAX_BYTES) return { kind: 'error', reason: `v1: no CRLF within ${PROXY_V1_MAX_BYTES} bytes` };
    return NEED_MORE;
  }
  const rest = Buffer.from(buf.subarray(end + 2));
  const line = buf.toString('latin1', 0, end);
  const fields = line.split(' ');
  const proto = fields[1];
  if (proto === 'UNKNOWN') {
    // The receiver must ignore anything after UNKNOWN (specification §2.1).
    return { kind: 'done', version: 1, rest };
  }
  if (proto !== 'TCP4' && proto !== 'TCP6') return { kind: 'error', reason: `v1: unknown protocol "${proto ?? ''}"` };
  if (fields.length !== 6) return { kind: 'error', reason: 'v1: expected 4 fields after the protocol, separated by single spaces' };
  const [, , src, dst, sport, dport] = fields;
  const valid = proto === 'TCP4' ? isIPv4 : isV6NoZone;
  if (!valid(src)) return { kind: 'error', reason: `v1: invalid ${proto} source address` };
  if (!valid(dst)) return { kind: 'error', reason: `v1: invalid ${proto} destination address` };
  const sp = parsePort(sport);
  const dp = parsePort(dport);
  if (sp === null) return { kind: 'error', reason: 'v1: invalid source port' };
  if (dp === null) return { kind: 'error', reason: 'v1: invalid destination port' };
  return { kind: 'done', version: 1, source: { address: src, port: sp }, destination: { address: dst, port: dp }, rest };
}

function isV6NoZone(text: string): boolean {
  return !text.includes('%') && isIPv6(text);
}

function parsePort(text: string): number | null {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

function parseV2(buf: Buffer, options: ProxyParserOptions): ProxyParseResult {
  const sigLen = Math.min(buf.length, PROXY_V2_SIGNATURE.length);
  if (!buf.subarray(0, sigLen).equals(PROXY_V2_SIGNATURE.subarray(0, sigLen))) {
    return { kind: 'error', reason: 'v2: bad signature' };
  }
  if (buf.length < 13) return NEED_MORE;
  const verCmd = buf[12];
  if (verCmd >> 4 !== 2) return { kind: 'error', reason: `v2: unsupported version ${verCmd >> 4}` };
  const command = verCmd & 0x0f;
  if (command > 1) return { kind: 'error', reason: `v2: unknown command ${command}` };
  if (buf.length < 14) return NEED_MORE;
  const family = buf[13] >> 4;
  const transport = buf[13] & 0x0f;
  if (family > 3) return { kind: 'error', reason: `v2: unknown address family ${family}` };
  if (transport > 2) return { kind: 'error', reason: `v2: unknown transport ${transport}` };
  if (buf.length < 16) return NEED_MORE;
  const length = buf.readUInt16BE(14);
  if (length > options.maxV2PayloadBytes) {
    return { kind: 'error', reason: `v2: header length ${length} exceeds the limit of ${options.maxV2PayloadBytes}` };
  }
  const addrLen = family === 1 ? 12 : family === 2 ? 36 : family === 3 ? 216 : 0;
  if (command === 1) {
    // PROXY: the addresses must be usable TCP endpoints (or AF_UNSPEC: unknown).
    if (family === 3) return { kind: 'error', reason: 'v2: AF_UNIX addresses are not supported' };
    if (family !== 0 && transport !== 1) return { kind: 'error', reason: 'v2: only STREAM transport is supported' };
  }
  if (length < addrLen) return { kind: 'error', reason: `v2: length ${length} too short for the address block` };
  if (buf.length < 16 + length) return NEED_MORE;
  const tlvError = checkTlvs(buf.subarray(16 + addrLen, 16 + length));
  if (tlvError !== null) return { kind: 'error', reason: tlvError };
  const rest = Buffer.from(buf.subarray(16 + length));
  if (command === 0 || family === 0) return { kind: 'done', version: 2, rest };
  const a = buf.subarray(16, 16 + addrLen);
  if (family === 1) {
    return {
      kind: 'done',
      version: 2,
      source: { address: ipv4Text(a.subarray(0, 4)), port: a.readUInt16BE(8) },
      destination: { address: ipv4Text(a.subarray(4, 8)), port: a.readUInt16BE(10) },
      rest,
    };
  }
  return {
    kind: 'done',
    version: 2,
    source: { address: ipv6Text(a.subarray(0, 16)), port: a.readUInt16BE(32) },
    destination: { address: ipv6Text(a.subarray(16, 32)), port: a.readUInt16BE(34) },
    rest,
  };
}

/** TLVs are skipped, but their framing must fill the rest of the header exactly. */
function checkTlvs(tlvs: Buffer): string | null {
  let off = 0;
  while (off < tlvs.length) {
    if (off + 3 > tlvs.length) return 'v2: truncated TLV';
    const len = tlvs.readUInt16BE(off + 1);
    off += 3 + len;
    if (off > tlvs.length) return 'v2: TLV longer than the header';
  }
  return null;
}

function ipv4Text(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** RFC 5952 text form: lower case, leading zeros dropped, the longest run of zero groups as `::`. */
function ipv6Text(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
