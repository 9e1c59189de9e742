// IMAP mailbox commands over a real daemon on Maildir: CREATE, DELETE, RENAME, SUBSCRIBE,
// UNSUBSCRIBE, LIST (with LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, CHILDREN), LSUB, STATUS,
// modified UTF-7 names and the RFC 5530 response codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { deliverToMaildir } from '../helpers/maildir.js';
import { ImapTestClient } from './imap-helpers.js';

let d: TestDaemon;
let maildir: string;

before(async () => {
  d = await startTestDaemon([
    { name: 'alice', password: 'secret' },
    { name: 'bob', password: 'pw' },
  ]);
  maildir = path.join(d.home('alice'), 'Maildir');
  await deliverToMaildir(maildir, 'From: a@example.org\nSubject: one\n\nbody one\n');
  await deliverToMaildir(maildir, 'From: b@example.org\nSubject: two\n\nbody two\n');
});

after(async () => {
  await d.stop();
});

const names = (lines: string[]): string[] => lines.map((l) => /^\* (?:LIST|LSUB) \([^)]*\) "\." (.*)$/.exec(l)?.[1] ?? `?${l}`);

test('CREATE makes a selectable mailbox, with children; duplicates get ALREADYEXISTS', async () => {
  const c = await ImapTestClient.login(d, 'bob', 'pw');
  assert.match((await c.cmd('CREATE Projects.')).tagged, /^t\d+ OK /, 'a trailing delimiter is allowed');
  assert.match((await c.cmd('CREATE Projects.Alpha')).tagged, /OK/);
  assert.match((await c.cmd('CREATE Projects')).tagged, /NO \[ALREADYEXISTS\]/);
  assert.match((await c.cmd('CREATE inbox')).tagged, /NO \[ALREADYEXISTS\]/);
  const list = await c.cmd('LIST "" "Projects*"');
  assert.deepEqual(list.untagged, ['* LIST (\\HasChildren) "." Projects', '* LIST (\\HasNoChildren) "." Projects.Alpha']);
  const pct = await c.cmd('LIST "" "%"');
  assert.ok(names(pct.untagged).includes('Projects'));
  assert.ok(!names(pct.untagged).includes('Projects.Alpha'), '% does not cross the delimiter');
  const ref = await c.cmd('LIST Projects. %');
  assert.deepEqual(names(ref.untagged), ['Projects.Alpha']);
  await c.logout();
});

test('LIST with an empty pattern returns the delimiter; INBOX matches in any case', async () => {
  const c = await ImapTestClient.login(d);
  const root = await c.cmd('LIST "" ""');
  assert.deepEqual(root.untagged, ['* LIST (\\Noselect) "." ""']);
  const inbox = await c.cmd('LIST "" InBoX');
  assert.deepEqual(inbox.untagged, ['* LIST (\\HasNoChildren) "." INBOX']);
  const special = await c.cmd('LIST "" *');
  assert.ok(special.untagged.includes('* LIST (\\HasNoChildren \\Sent) "." Sent'), special.untagged.join('\n'));
  assert.ok(special.untagged.includes('* LIST (\\HasNoChildren \\Trash) "." Trash'));
  await c.logout();
});

test('LIST-EXTENDED: (SPECIAL-USE) selects roles, RETURN (SUBSCRIBED CHILDREN) and RETURN (STATUS) add data', async () => {
  const c = await ImapTestClient.login(d);
  assert.match((await c.cmd('CREATE Plain')).tagged, /OK/);
  const su = await c.cmd('LIST (SPECIAL-USE) "" *');
  assert.ok(su.untagged.length >= 4);
  assert.ok(su.untagged.every((l) => /\\(Sent|Drafts|Trash|Junk|Archive|All|Flagged)\b/.test(l)), su.untagged.join('\n'));
  assert.ok(!names(su.untagged).includes('Plain'));
  assert.match((await c.cmd('SUBSCRIBE Plain')).tagged, /OK/);
  const ret = await c.cmd('LIST "" Plain RETURN (SUBSCRIBED CHILDREN)');
  assert.deepEqual(ret.untagged, ['* LIST (\\HasNoChildren \\Subscribed) "." Plain']);
  const status = await c.cmd('LIST "" (INBOX Plain) RETURN (STATUS (MESSAGES UNSEEN SIZE))');
  assert.equal(status.untagged[0], '* LIST (\\HasNoChildren) "." INBOX');
  assert.match(status.untagged[1], /^\* STATUS INBOX \(MESSAGES 2 UNSEEN 2 SIZE \d+\)$/);
  assert.equal(status.untagged[2], '* LIST (\\HasNoChildren) "." Plain');
  assert.equal(status.untagged[3], '* STATUS Plain (MESSAGES 0 UNSEEN 0 SIZE 0)');
  await c.logout();
});

test('SUBSCRIBE/UNSUBSCRIBE, LSUB and LIST (SUBSCRIBED) with \\NonExistent and RECURSIVEMATCH', async () => {
  const c = await ImapTestClient.login(d);
  await c.cmd('CREATE Lists.Deep');
  assert.match((await c.cmd('SUBSCRIBE Lists.Deep')).tagged, /OK/);
  assert.match((await c.cmd('SUBSCRIBE Gone')).tagged, /OK/, 'RFC 3501 allows subscribing to a name that does not exist');
  const lsub = await c.cmd('LSUB "" *');
  assert.ok(names(lsub.untagged).includes('Lists.Deep'), lsub.untagged.join('\n'));
  const lsubPct = await c.cmd('LSUB "" Lists');
  assert.deepEqual(lsubPct.untagged, [], 'Lists itself is not subscribed and % was not used');
  const lsubParent = await c.cmd('LSUB "" %');
  assert.ok(lsubParent.untagged.includes('* LSUB (\\Noselect) "." Lists'), lsubParent.untagged.join('\n'));
  const subs = await c.cmd('LIST (SUBSCRIBED) "" *');
  assert.ok(subs.untagged.includes('* LIST (\\HasNoChildren \\Subscribed) "." Lists.Deep'), subs.untagged.join('\n'));
  assert.ok(subs.untagged.includes('* LIST (\\NonExistent \\Subscribed) "." Gone'), subs.untagged.join('\n'));
  const rec = await c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" %');
  assert.ok(rec.untagged.includes('* LIST (\\Noselect \\HasChildren) "." Lists ("CHILDINFO" ("SUBSCRIBED"))'), rec.untagged.join('\n'));
  assert.match((await c.cmd('UNSUBSCRIBE Gone')).tagged, /OK/);
  assert.match((await c.cmd('UNSUBSCRIBE Gone')).tagged, /NO \[NONEXISTENT\]/);
  await c.logout();
});

test('STATUS reports the counters; a missing mailbox is NONEXISTENT', async () => {
  const c = await ImapTestClient.login(d);
  const s = await c.cmd('STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE)');
  assert.match(s.untagged[0], /^\* STATUS INBOX \(MESSAGES 2 RECENT \d+ UIDNEXT 3 UIDVALIDITY \d+ UNSEEN 2 SIZE \d+\)$/);
  assert.match(s.tagged, /OK/);
  assert.match((await c.cmd('STATUS Nope (MESSAGES)')).tagged, /NO \[NONEXISTENT\]/);
  await c.logout();
});

test('RENAME moves a mailbox and its children; renaming INBOX moves its messages and leaves INBOX empty', async () => {
  const c = await ImapTestClient.login(d, 'bob', 'pw');
  await c.cmd('CREATE Old.Kid');
  assert.match((await c.cmd('RENAME Old New')).tagged, /OK/);
  const l = await c.cmd('LIST "" "New*"');
  assert.deepEqual(names(l.untagged), ['New', 'New.Kid']);
  assert.match((await c.cmd('RENAME Nope Other')).tagged, /NO \[NONEXISTENT\]/);
  assert.match((await c.cmd('RENAME New Projects')).tagged, /NO \[ALREADYEXISTS\]/);
  await c.logout();

  const bobInbox = path.join(d.home('bob'), 'Maildir');
  await deliverToMaildir(bobInbox, 'Subject: for bob\n\nhello\n');
  const c2 = await ImapTestClient.login(d, 'bob', 'pw');
  assert.match((await c2.cmd('RENAME INBOX Saved')).tagged, /OK/);
  assert.match((await c2.cmd('STATUS Saved (MESSAGES)')).untagged[0], /MESSAGES 1\)/);
  assert.match((await c2.cmd('STATUS INBOX (MESSAGES)')).untagged[0], /MESSAGES 0\)/);
  await c2.logout();
});

test('DELETE removes a mailbox; INBOX cannot be deleted; a missing one is NONEXISTENT', async () => {
  const c = await ImapTestClient.login(d, 'bob', 'pw');
  await c.cmd('CREATE Tmp');
  assert.match((await c.cmd('DELETE Tmp')).tagged, /OK/);
  assert.deepEqual((await c.cmd('LIST "" Tmp')).untagged, []);
  assert.match((await c.cmd('DELETE Tmp')).tagged, /NO \[NONEXISTENT\]/);
  assert.match((await c.cmd('DELETE INBOX')).tagged, /NO \[CANNOT\]/);
  await c.logout();
});

test('mailbox names travel in modified UTF-7 and are stored as Unicode', async () => {
  const c = await ImapTestClient.login(d, 'bob', 'pw');
  // "Entwürfe" and "日本語"
  assert.match((await c.cmd('CREATE Entw&APw-rfe')).tagged, /OK/);
  assert.match((await c.cmd('CREATE &ZeVnLIqe-')).tagged, /OK/);
  const l = await c.cmd('LIST "" *');
  assert.ok(names(l.untagged).includes('Entw&APw-rfe'), l.untagged.join('\n'));
  assert.ok(names(l.untagged).includes('&ZeVnLIqe-'));
  const dirs = await readdir(path.join(d.home('bob'), 'Maildir'));
  assert.ok(dirs.includes('.Entw&APw-rfe'), `Maildir++ keeps the modified UTF-7 folder name: ${dirs.join(',')}`);
  assert.match((await c.cmd('SELECT Entw&APw-rfe')).tagged, /OK/);
  assert.match((await c.cmd('CREATE "bad&name"')).tagged, /NO \[CANNOT\]/, 'an & that is not modified UTF-7 is refused');
  await c.logout();
});

test('RECURSIVEMATCH gives CHILDINFO only for subscribed descendants the patterns do not show', async () => {
  const c = await ImapTestClient.login(d);
  for (const n of ['R.t7.t7', 'R.t8.t8', 'R.t8.t9', 'R.t2', 'R.t2.t1']) assert.match((await c.cmd(`CREATE ${n}`)).tagged, /OK/);
  for (const n of ['R.t7.t7', 'R.t8.t8', 'R.t8.t9', 'R.t2.t1']) await c.cmd(`SUBSCRIBE ${n}`);
  const t7 = await c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" R*t7');
  assert.deepEqual(t7.untagged, ['* LIST (\\HasNoChildren \\Subscribed) "." R.t7.t7']);
  const t8 = await c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" R*t8');
  assert.deepEqual(t8.untagged.sort(), ['* LIST (\\HasNoChildren \\Subscribed) "." R.t8.t8', '* LIST (\\Noselect \\HasChildren) "." R.t8 ("CHILDINFO" ("SUBSCRIBED"))']);
  const both = await c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" (R.t2 R.t2.t1)');
  assert.deepEqual(both.untagged, ['* LIST (\\HasNoChildren \\Subscribed) "." R.t2.t1']);
  const parent = await c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" R.t2 RETURN (CHILDREN)');
  assert.deepEqual(parent.untagged, ['* LIST (\\HasChildren) "." R.t2 ("CHILDINFO" ("SUBSCRIBED"))']);
  assert.match((await c.cmd('LIST (RECURSIVEMATCH) "" *')).tagged, /BAD/, 'RECURSIVEMATCH needs another selection option');
  assert.match((await c.cmd('LIST "" * RETURN (BOGUS)')).tagged, /BAD/);
  await c.logout();
});

test('atom-special names: a pattern that is not modified UTF-7 lists nothing, SELECT of it is NO', async () => {
  const c = await ImapTestClient.login(d);
  assert.match((await c.cmd('LIST "" ~foo')).tagged, /OK/);
  assert.match((await c.cmd('SELECT ~foo')).tagged, /NO/);
  assert.match((await c.cmd("SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}")).tagged, /^t\d+ NO /);
  const l = await c.cmd("LIST \"\" !#$&'+,-.0123456789:;<=>?@^_`|[}%*");
  assert.deepEqual(l.untagged, []);
  assert.match(l.tagged, /OK/);
  await c.logout();
});

test('DELETE of the selected mailbox is NO [INUSE]', async () => {
  const c = await ImapTestClient.login(d, 'bob', 'pw');
  await c.cmd('CREATE Busy');
  await c.cmd('SELECT Busy');
  assert.match((await c.cmd('DELETE Busy')).tagged, /NO \[INUSE\]/);
  await c.cmd('UNSELECT');
  assert.match((await c.cmd('DELETE Busy')).tagged, /OK/);
  await c.logout();
});
