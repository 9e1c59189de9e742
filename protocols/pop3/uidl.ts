// UIDL values (RFC 1939 §7): unique and stable per message, formatted like Dovecot's pop3_uidl_format.

/** The values a UIDL format may use: %u UID, %v UIDVALIDITY, %m an MD5 of the header (hex). */
export interface UidlValues {
  uid: number;
  uidValidity: number;
  headerMd5?: string;
}

/**
 * Expand a format such as `%08Xu%08Xv` (Dovecot's default), `%v.%u`, or `%u`: `%[0][width][X|x]`
 * followed by a variable letter; `%%` is a percent sign. Unknown variables are kept literally.
 */
export function formatUidl(format: string, values: UidlValues): string {
  return format.replace(/%(%|(0?)(\d*)([Xx]?)([uvm]))/g, (whole, pct: string, zero: string, width: string, hex: string, v: string) => {
    if (pct === '%') return '%';
    let text: string;
    if (v === 'm') text = values.headerMd5 ?? '';
    else {
      const n = v === 'u' ? values.uid : values.uidValidity;
      text = hex === 'X' ? n.toString(16).toUpperCase() : hex === 'x' ? n.toString(16) : String(n);
    }
    const w = width === '' ? 0 : Number(width);
    return text.padStart(w, zero === '0' ? '0' : ' ');
  });
}

/** Whether a format references %m (the session must then read each message's header at login). */
export function uidlNeedsHeader(format: string): boolean {
  return /%0?\d*[Xx]?m/.test(format.replace(/%%/g, ''));
}

/**
 * A UIDL must be 1-70 characters in 0x21-0x7E (RFC 1939 §7). An X-UIDL header value that does not
 * qualify is not reused.
 */
export function isValidUidl(value: string): boolean {
  return /^[\x21-\x7e]{1,70}$/.test(value);
}
