// The STATUS data items of RFC 3501 §6.3.10 (and RFC 8438 SIZE), shared by STATUS and LIST-STATUS.
import type { MailboxStatus } from '../../../storage/types.js';
import type { StatusItem } from '../parser/index.js';
import { paren, untagged } from '../encode/index.js';

/** `* STATUS name (ITEM n …)` for the requested items, in request order. */
export function statusLine(wireName: Buffer, status: MailboxStatus, items: readonly StatusItem[]): Buffer {
  const parts: Array<string | number> = [];
  for (const item of items) {
    parts.push(item);
    switch (item) {
      case 'MESSAGES':
        parts.push(status.messages);
        break;
      case 'RECENT':
        parts.push(status.recent);
        break;
      case 'UIDNEXT':
        parts.push(status.uidNext);
        break;
      case 'UIDVALIDITY':
        parts.push(status.uidValidity);
        break;
      case 'UNSEEN':
        parts.push(status.unseen);
        break;
      case 'SIZE':
        parts.push(status.size);
        break;
    }
  }
  return untagged('STATUS', wireName, paren(parts));
}
