// Maps IMAP-style part numbers (RFC 3501 §6.4.5, "1", "2.1.3") to nodes of a MIME tree, the way
// Dovecot resolves them (checked against it in the tests):
// - in a message (the top level, or the embedded message of a message/rfc822 part) whose root
//   is a multipart, n is the n-th part; when its root is not a multipart, "1" is that root;
// - in a message/rfc822 part, numbers continue in its embedded message;
// - in a multipart part, n is its n-th child;
// - in any other part, "1" is the part itself, once (so "2.1" of a text part "2" is "2", but
//   "2.1.1" does not exist).
// The node found gives BODY[sec] (its body) and BODY[sec.MIME] (its header); for a node with
// `message`, "sec.HEADER" / "sec.TEXT" are that message's root header and body.

import type { MimeNode } from './types.js';

/** The node a part number addresses, or null when the message has no such part. */
export function resolveSection(root: MimeNode, path: readonly number[]): MimeNode | null {
  if (path.length === 0) return root;
  let node = root;
  let inMessage = true;
  let selfUsed = false;
  for (const n of path) {
    if (!Number.isInteger(n) || n < 1) return null;
    if (!inMessage && node.message) {
      node = node.message.root;
      inMessage = true;
    }
    if (node.contentType.type === 'multipart') {
      const child = node.children[n - 1];
      if (!child) return null;
      node = child;
      selfUsed = false;
    } else if (n === 1 && (inMessage || !selfUsed)) {
      selfUsed = true;
    } else {
      return null;
    }
    inMessage = false;
  }
  return node;
}
