// The welcome messages of the demo users: plain text, HTML alternative, an attachment, non-ASCII headers.

/** One demo message: its text (LF line ends), envelope sender and date. */
export interface DemoMessage {
  readonly text: string;
  readonly envelopeFrom: string;
  readonly date: Date;
}

/** Messages for the demo mailbox of `user` at `domain`, oldest first, with fixed dates. */
export function welcomeMessages(user: string, domain: string): DemoMessage[] {
  const to = `${user}@${domain}`;
  const base = Date.UTC(2026, 0, 5, 9, 30, 0);
  const at = (hours: number): Date => new Date(base + hours * 3600_000);
  const rfcDate = (d: Date): string => d.toUTCString().replace('GMT', '+0000');
  return [
    {
      envelopeFrom: 'postmaster@localhost',
      date: at(0),
      text: [
        'Return-Path: <postmaster@localhost>',
        'From: inboxd <postmaster@localhost>',
        `To: ${to}`,
        'Subject: Welcome to inboxd',
        `Date: ${rfcDate(at(0))}`,
        `Message-ID: <welcome.1.${user}@localhost>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        `Hello ${user},`,
        '',
        'this mailbox is served by inboxd over POP3 and IMAP. Try it:',
        '',
        `  curl -k --user ${user}:${user} imaps://127.0.0.1:1993/INBOX -X 'FETCH 1:* (FLAGS)'`,
        `  curl -k --user ${user}:${user} pop3s://127.0.0.1:1995/1`,
        '',
        'From here on, a line that starts with "From " shows how mbox quoting is kept.',
        '',
        '-- ',
        'inboxd',
        '',
      ].join('\n'),
    },
    {
      envelopeFrom: 'news@example.org',
      date: at(26),
      text: [
        'From: "Example News" <news@example.org>',
        `To: ${to}`,
        'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen_=E2=80=94_monthly_digest?=',
        `Date: ${rfcDate(at(26))}`,
        `Message-ID: <digest.2.${user}@example.org>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="=_alt_7f3a"',
        '',
        'This is a multi-part message in MIME format.',
        '',
        '--=_alt_7f3a',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=C3=BC=C3=9Fe! This month: caf=C3=A9 reviews and the =E2=82=AC price list.',
        '',
        '--=_alt_7f3a',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<html><body><p>Gr=C3=BC=C3=9Fe! This month: <b>caf=C3=A9</b> reviews and =',
        'the =E2=82=AC price list.</p></body></html>',
        '',
        '--=_alt_7f3a--',
        '',
      ].join('\n'),
    },
    {
      envelopeFrom: 'alice@example.com',
      date: at(50),
      text: [
        'From: Alice Example <alice@example.com>',
        `To: ${to}`,
        'Cc: "Bob, the builder" <bob@example.net>',
        'Subject: Notes from the meeting (attachment)',
        `Date: ${rfcDate(at(50))}`,
        `Message-ID: <notes.3.${user}@example.com>`,
        `In-Reply-To: <welcome.1.${user}@localhost>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="mixed-b1"',
        '',
        '--mixed-b1',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'Hi, the notes are attached.',
        '',
        'From Alice, with thanks.',
        '',
        '--mixed-b1',
        'Content-Type: text/plain; charset=us-ascii; name="notes.txt"',
        'Content-Disposition: attachment; filename="notes.txt"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('1. Ship inboxd.\n2. Migrate the mbox users.\n3. Lunch.\n').toString('base64'),
        '',
        '--mixed-b1--',
        '',
      ].join('\n'),
    },
  ];
}
