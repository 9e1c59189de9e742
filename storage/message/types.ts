// Typed, JSON-serializable values describing a parsed message. No protocol syntax here: the IMAP
// layer encodes these as BODYSTRUCTURE / ENVELOPE, the index caches them as JSON.
//
// Offsets, sizes and line counts are always on the CRLF-normalized form of the message: a lone
// LF becomes CRLF, an existing CRLF stays, a lone CR (not followed by LF) stays one byte as is.
//
// Header strings ("raw" values) are the header bytes read as UTF-8 when they are valid UTF-8,
// otherwise byte for byte as Latin-1 (U+0000..U+00FF). Encoded-words are never decoded in them.
//
// Part numbering (RFC 3501 §6.4.5):
// - the root node has partPath [] (the whole message);
// - children of a multipart at path P have paths P+[1], P+[2], ...;
// - the embedded message of a message/rfc822 node at path P (node.message.root) also has path
//   P: IMAP section "P.HEADER"/"P.TEXT" address the embedded message's header/body, "P.MIME" the
//   rfc822 part's own MIME header; if the embedded root is a multipart its children are P+[i];
// - a non-multipart root (top-level or embedded at P) has no children: the IMAP layer maps
//   section "1" (resp. "P.1") to that node's body.

/**
 * Content-Type value: lowercase type/subtype, lowercase parameter names, values with RFC 2231
 * continuations joined and charsets decoded.
 */
export interface ContentType {
  type: string;
  subtype: string;
  params: Record<string, string>;
  /**
   * Only when RFC 2231 syntax was undone: the parameters in 7-bit wire form as Dovecot sends
   * them in BODYSTRUCTURE (continuations joined, extended values still `charset'lang'%XX`
   * encoded under a name ending in `*`). The IMAP layer sends `wireParams ?? params`.
   */
  wireParams?: Record<string, string>;
}

/** Content-Disposition value: lowercase type and parameter names, decoded values (see ContentType). */
export interface ContentDisposition {
  type: string;
  params: Record<string, string>;
  wireParams?: Record<string, string>;
}

/**
 * One address of an envelope address list. Group syntax (RFC 5322 §3.4) is kept as RFC 3501
 * ENVELOPE does: group start `{ name: null, adl: null, mailbox: <group name>, host: null }`,
 * then the members, then the end marker `{ name: null, adl: null, mailbox: null, host: null }`.
 */
export interface Address {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/**
 * Envelope fields, raw (encoded-words not decoded), null when the header is absent.
 * `sender` and `replyTo` are defaulted to `from` HERE (RFC 3501 §7.4.2), so the IMAP layer
 * encodes them as they are.
 */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: Address[] | null;
  sender: Address[] | null;
  replyTo: Address[] | null;
  to: Address[] | null;
  cc: Address[] | null;
  bcc: Address[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/** One node of a MIME tree, with byte offsets into the CRLF-normalized message. */
export interface MimeNode {
  partPath: number[];
  /** Offset of the first header byte. */
  headerStart: number;
  /** Offset just after the header's terminating blank line (= bodyStart). */
  headerEnd: number;
  bodyStart: number;
  /** Offset after the last body byte (the CRLF before a boundary line is not part of the body). */
  bodyEnd: number;
  contentType: ContentType;
  contentId: string | null;
  contentDescription: string | null;
  /** Lowercased; "7bit" when absent. */
  contentTransferEncoding: string;
  contentDisposition: ContentDisposition | null;
  contentLanguage: string[] | null;
  contentLocation: string | null;
  contentMd5: string | null;
  /** bodyEnd - bodyStart. */
  bodySize: number;
  /** Number of CRLF line ends in the body; meaningful for text/* and message/rfc822. */
  bodyLines: number;
  /** Parts of a multipart, never empty for one (see mime-parser.ts); empty for other types. */
  children: MimeNode[];
  /**
   * For a message/rfc822 part: the embedded message (parsed whatever the transfer encoding, as
   * Dovecot does). Its root spans this node's body, except when its header runs right into a
   * boundary line: then the header stops before its last CRLF and the body is empty, and that
   * CRLF is only in this node's body (as Dovecot serves P.HEADER and P).
   */
  message?: { envelope: Envelope; root: MimeNode };
}

/** The result of parsing a message once. */
export interface ParsedMessage {
  /** Size in octets of the CRLF-normalized message. */
  size: number;
  /** Number of CRLF line ends in the CRLF-normalized message. */
  lines: number;
  /** Size of the top-level header including its terminating blank line. */
  headerSize: number;
  root: MimeNode;
  envelope: Envelope;
}

/** A header field: name as written, raw value with folding kept, byte offsets of the field. */
export interface HeaderField {
  name: string;
  /** Everything after the colon up to (not including) the final line end; folds kept. */
  value: string;
  /** Offset of the field's first byte in the header bytes given to parseHeader. */
  start: number;
  /** Offset after the field's last line end. */
  end: number;
}
