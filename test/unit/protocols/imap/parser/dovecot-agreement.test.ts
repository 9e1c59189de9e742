// Cross-check against a real IMAP server: Dovecot's imap process (run PREAUTH on stdin/stdout over a
// temporary Maildir) and our parser must agree on which commands are syntax errors (BAD) and which
// are not. The probes below are ones where both follow RFC 3501; where Dovecot is more lenient
// than the RFC (extra arguments, leading zeros, 0-length partials, missing ID list …) inboxd is
// strict, and those cases are pinned by commands.test.ts instead (Dovecot also takes `\b` in a
// quoted string as `b`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapParser } from '../../../../../protocols/imap/parser/parser.js';

const DOVECOT_IMAP = '/usr/lib/dovecot/imap';

/** [expected verdict, command without tag]; 'ok' means anything but BAD (OK or NO). */
const PROBES: Array<['ok' | 'BAD', string]> = [
  ['ok', 'CAPABILITY'],
  ['ok', 'CHECK'],
  ['ok', 'NAMESPACE'],
  ['BAD', 'FROBNICATE'],
  ['BAD', 'UID NOOP'],
  ['BAD', 'UID EXPUNGE'],
  ['ok', 'FETCH 1 FLAGS'],
  ['ok', 'FETCH 1 all'],
  ['ok', 'FETCH 1 fast'],
  ['ok', 'FETCH 1 full'],
  ['ok', 'FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE BODY BODYSTRUCTURE)'],
  ['ok', 'FETCH 1 (BODY.PEEK[] BODY.PEEK[TEXT]<0.5> BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[HEADER.FIELDS (From To)] BODY.PEEK[HEADER.FIELDS.NOT (Date)])'],
  ['ok', 'FETCH 2 (BODY.PEEK[1.2.HEADER] BODY.PEEK[2.TEXT] RFC822.HEADER)'],
  ['ok', 'FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[1]<0.3>)'],
  ['ok', 'FETCH *:1 UID'],
  ['ok', 'FETCH 3:2,1 UID'],
  ['ok', 'UID FETCH 1:4294967295 UID'],
  ['BAD', 'FETCH 1 (FLAGS'],
  ['BAD', 'FETCH 1 ()'],
  ['BAD', 'FETCH 1 (ALL)'],
  ['BAD', 'FETCH 1 BODY.PEEK[MIME]'],
  ['BAD', 'FETCH 1 BODY.PEEK[FOO]'],
  ['BAD', 'FETCH 1 BODY.PEEK[HEADER.FIELDS]'],
  ['BAD', 'FETCH 1 BODY.PEEK[HEADER.FIELDS ()]'],
  ['BAD', 'FETCH 1 BODY.PEEK'],
  ['BAD', 'FETCH 1 RFC822.PEEK'],
  ['BAD', 'FETCH 1 FOO'],
  ['BAD', 'FETCH 0 FLAGS'],
  ['BAD', 'FETCH 1:0 FLAGS'],
  ['BAD', 'FETCH 1,,2 FLAGS'],
  ['BAD', 'FETCH 4294967296 FLAGS'],
  ['BAD', 'FETCH $,1 FLAGS'],
  ['ok', 'STORE 1 +FLAGS (\\Flagged $Label)'],
  ['ok', 'STORE 1 -FLAGS.SILENT \\Flagged'],
  ['ok', 'STORE 1 FLAGS ()'],
  ['ok', 'STORE 1 +FLAGS NIL'],
  ['BAD', 'STORE 1 LABELS (x)'],
  ['BAD', 'STORE 1 FLAGS (\\)'],
  ['BAD', 'STORE 1 +FLAGS (a b'],
  ['ok', 'COPY 1 INBOX'],
  ['ok', 'UID COPY 1:* INBOX'],
  ['BAD', 'COPY 1'],
  ['BAD', 'MOVE 1'],
  ['ok', 'SEARCH ALL'],
  ['ok', 'SEARCH ALL ANSWERED DELETED DRAFT FLAGGED NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN'],
  ['ok', 'SEARCH BCC a CC "b c" FROM d SUBJECT NIL TEXT "" TO x BODY y'],
  ['ok', 'SEARCH BEFORE 1-Feb-1994 ON "29-feb-2000" SINCE 31-Dec-1999 SENTBEFORE 01-Jan-2001 SENTON 2-Mar-2007 SENTSINCE 24-mar-2007'],
  ['ok', 'SEARCH KEYWORD $Junk UNKEYWORD foo HEADER X-Extra "" LARGER 100 SMALLER 5000000000 UID 1:5 OLDER 60 YOUNGER 3600'],
  ['ok', 'SEARCH OR (1) NOT (UID 4 SEEN) NOT NOT 1:*'],
  ['ok', 'SEARCH CHARSET UTF-8 ALL'],
  ['ok', 'SEARCH CHARSET foo ALL'],
  ['ok', 'SEARCH RETURN (MIN MAX ALL COUNT SAVE) UNSEEN'],
  ['ok', 'SEARCH $'],
  ['ok', 'SEARCH RETURN () CHARSET US-ASCII ALL'],
  ['ok', 'UID SEARCH FROM {3+}\r\nabc SEEN'],
  ['BAD', 'SEARCH'],
  ['BAD', 'SEARCH FOO'],
  ['BAD', 'SEARCH ON 1-Foo-2001'],
  ['BAD', 'SEARCH ON 1-Jan-01'],
  ['BAD', 'SEARCH OR SEEN'],
  ['BAD', 'SEARCH (SEEN'],
  ['BAD', 'SEARCH SEEN)'],
  ['BAD', 'SEARCH ()'],
  ['BAD', 'SEARCH LARGER x'],
  ['BAD', 'SEARCH UID 1:5,$'],
  ['BAD', 'SEARCH RETURN (FOO) ALL'],
  ['BAD', 'SEARCH OLDER 0'],
  ['BAD', 'SEARCH NOT'],
  ['BAD', 'SEARCH HEADER Subject'],
  ['ok', 'LIST "" *'],
  ['ok', 'LIST "" ~foo'],
  ['ok', 'LIST "" !#$&\'+,-.0123456789:;<=>?@^_`|[}%*'],
  ['ok', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" (% INBOX*) RETURN (CHILDREN STATUS (MESSAGES UNSEEN SIZE))'],
  ['ok', 'LIST "" % RETURN ()'],
  ['ok', 'LIST {0+}\r\n {1+}\r\n*'],
  ['BAD', 'LIST (imaptest) "" ""'],
  ['BAD', 'LIST (recursivematch) "" ""'],
  ['BAD', 'LIST "" "" return (imaptest)'],
  ['BAD', 'LIST "" "" return (status (foo))'],
  ['BAD', 'LIST "" "" return (status ())'],
  ['BAD', 'LIST "" "" foo'],
  ['BAD', 'LIST ""'],
  ['ok', 'LSUB "" %'],
  ['ok', 'STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE)'],
  ['BAD', 'STATUS INBOX ()'],
  ['BAD', 'STATUS INBOX (FOO)'],
  ['BAD', 'STATUS INBOX MESSAGES'],
  ['BAD', 'STATUS INBOX (MESSAGES'],
  ['ok', 'SUBSCRIBE x]y'],
  ['ok', 'SUBSCRIBE "x\\"y\\\\z"'],
  ['BAD', 'SUBSCRIBE "abc'],
  ['ok', 'UNSUBSCRIBE "x"'],
  ['ok', 'CREATE "probe box"'],
  ['ok', 'CREATE probe2 (USE (\\Drafts))'],
  ['ok', 'RENAME "probe box" probe4'],
  ['BAD', 'RENAME a'],
  ['ok', 'DELETE probe4'],
  ['ok', 'ID NIL'],
  ['ok', 'ID ("name" "x" "version" NIL)'],
  ['ok', 'ENABLE CONDSTORE'],
  ['BAD', 'APPEND INBOX'],
];

const MESSAGES = [
  'From: a@example.org\r\nTo: b@example.org\r\nSubject: one\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\n\r\nbody one\r\n',
  'From: c@example.org\r\nSubject: two\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\npart one\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--b--\r\n',
  'From: d@example.org\r\nSubject: three\r\n\r\nbody three\r\n',
];

/** Runs Dovecot's imap process PREAUTH on a fresh Maildir and returns its verdict per tag. */
async function dovecotVerdicts(input: string): Promise<Map<string, string>> {
  assert.ok(fs.existsSync(DOVECOT_IMAP), `${DOVECOT_IMAP} is missing: install the Debian package dovecot-imapd`);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    for (const sub of ['new', 'cur', 'tmp']) fs.mkdirSync(path.join(dir, 'Maildir', sub), { recursive: true });
    MESSAGES.forEach((m, i) => fs.writeFileSync(path.join(dir, 'Maildir', 'cur', `100000000${i}.M1P1.probe:2,`), m));
    const conf = [`mail_location = maildir:${dir}/Maildir`, `log_path = ${dir}/dovecot.log`, `base_dir = ${dir}/run`, 'ssl = no'];
    let command = DOVECOT_IMAP;
    let args = ['-c', path.join(dir, 'dovecot.conf')];
    let user = os.userInfo().username;
    if (process.getuid?.() === 0) {
      // Dovecot refuses mail access as root: run it as nobody on a temp dir handed to nobody.
      const nobody = execFileSync('getent', ['passwd', 'nobody']).toString().split(':');
      const [uid, gid] = [Number(nobody[2]), Number(nobody[3])];
      fs.writeFileSync(path.join(dir, 'dovecot.conf'), conf.join('\n') + '\n');
      for (const p of walk(dir)) fs.chownSync(p, uid, gid);
      args = [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', DOVECOT_IMAP, ...args];
      command = 'setpriv';
      user = 'nobody';
    } else {
      const { uid, gid } = os.userInfo();
      conf.push(`first_valid_uid = ${uid}`, `first_valid_gid = ${gid}`);
      fs.writeFileSync(path.join(dir, 'dovecot.conf'), conf.join('\n') + '\n');
    }
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile(command, args, { env: { HOME: dir, USER: user, PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 20_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`dovecot imap failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
      child.stdin?.end(input);
    });
    const verdicts = new Map<string, string>();
    for (const line of output.split('\r\n')) {
      const m = /^(p\d+|x|z) (OK|NO|BAD) /.exec(line);
      if (m) verdicts.set(m[1], line);
    }
    assert.match(verdicts.get('x') ?? '', /^x OK/, `SELECT failed in Dovecot:\n${output.slice(0, 2000)}`);
    return verdicts;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

function* walk(p: string): Generator<string> {
  yield p;
  if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) yield* walk(path.join(p, e));
}

function ourVerdict(wire: string): 'ok' | 'BAD' {
  const parser = new ImapParser({ maxLineBytes: 65536, maxLiteralBytes: 1 << 20, maxNesting: 32, literalPlus: true });
  parser.feed(Buffer.from(wire));
  for (;;) {
    const ev = parser.next();
    if (ev.kind === 'command') return 'ok';
    if (ev.kind === 'error') return 'BAD';
    if (ev.kind === 'need-more') throw new Error(`incomplete probe: ${wire}`);
  }
}

test('our parser and Dovecot agree on which commands are BAD', async () => {
  let input = 'x SELECT INBOX\r\n';
  PROBES.forEach(([, cmd], i) => {
    input += `p${i} ${cmd}\r\n`;
  });
  input += 'z LOGOUT\r\n';
  const verdicts = await dovecotVerdicts(input);
  const problems: string[] = [];
  PROBES.forEach(([expected, cmd], i) => {
    const line = verdicts.get(`p${i}`);
    if (!line) {
      problems.push(`no Dovecot reply to: ${cmd}`);
      return;
    }
    const theirs = / BAD /.test(line.slice(0, 6 + String(i).length)) ? 'BAD' : 'ok';
    const ours = ourVerdict(`p${i} ${cmd}\r\n`);
    if (theirs !== expected || ours !== expected) problems.push(`${cmd}: expected ${expected}, inboxd ${ours}, Dovecot "${line}"`);
  });
  assert.deepEqual(problems, []);
});
