// Interop: GNU SASL's command-line client (Debian package gsasl) as an independent client,
// stepped against the server mechanisms through the same line driver the protocols use.
// gsasl prints the mechanism name, then one base64 line per client response on stdout, and reads
// one base64 server challenge per line on stdin; after the last step it waits for one more line,
// the empty one meaning "success, no more data". For SCRAM it checks the server's v= itself and
// exits non-zero when it is wrong, so a zero exit also proves our ServerSignature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSaslExchange } from '../../../../protocols/sasl/exchange.js';
import type { ExchangeReply } from '../../../../protocols/sasl/exchange.js';
import { createMechanism } from '../../../../protocols/sasl/mechanisms.js';
import type { MechanismName } from '../../../../protocols/sasl/types.js';
import { exampleUsers, testContext } from './user-table.js';

const gsaslMissing = spawnSync('gsasl', ['--version']).error;

interface RunResult {
  readonly reply: ExchangeReply;
  readonly exitCode: number | null;
  readonly rounds: number;
  readonly clientLines: string[];
}

/** Run gsasl against our server mechanism until the exchange finishes; then let gsasl exit. */
async function runGsasl(mech: MechanismName, args: string[], clientFirst = true): Promise<RunResult> {
  assert.equal(gsaslMissing, undefined, 'the gsasl command (Debian package gsasl) is required for this test');
  const child = spawn(
    'gsasl',
    ['--client', '--mechanism', mech, '--no-starttls', '--no-cb', '--quiet', ...(clientFirst ? [] : ['--no-client-first']), ...args],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stdin.on('error', () => {}); // gsasl may exit before reading everything we send
  // Keep stdout flowing (so 'close' always comes) and hand out complete lines in order.
  const pending: string[] = [];
  let buffered = '';
  let wake: (() => void) | null = null;
  let ended = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      pending.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
    wake?.();
  });
  child.stdout.on('end', () => {
    ended = true;
    wake?.();
  });
  const clientLines: string[] = [];
  const next = async (): Promise<string> => {
    const timer = setTimeout(() => child.kill(), 20_000);
    while (pending.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
    clearTimeout(timer);
    const line = pending.shift();
    if (line === undefined) assert.fail(`gsasl stopped early (exit ${await exited})`);
    clientLines.push(line);
    return line;
  };
  try {
    assert.equal(await next(), mech, 'gsasl first names the mechanism');
    const exchange = createSaslExchange(createMechanism(mech, exampleUsers(), testContext, { hostname: 'test.invalid' }), { maxResponseBytes: 4096 });
    let reply: ExchangeReply;
    let rounds = 0;
    if (clientFirst) {
      // The client's first output is its initial response; an empty one means it has none.
      const initial = await next();
      reply = await exchange.start(initial === '' ? undefined : initial);
    } else {
      reply = await exchange.start();
    }
    while (reply.kind === 'challenge') {
      rounds++;
      child.stdin.write(`${reply.text}\n`);
      reply = await exchange.respond(await next());
    }
    // In this stdin mode an empty line stands for the protocol's success reply without data;
    // gsasl then reports "authentication finished" and exits 0 at end of input.
    if (reply.kind === 'success') child.stdin.write('\n');
    child.stdin.end();
    return { reply, exitCode: await exited, rounds, clientLines };
  } finally {
    child.stdin.destroy();
    if (child.exitCode === null) child.kill();
  }
}

const ok = (r: RunResult, user: string) => {
  assert.equal(r.reply.kind, 'success', JSON.stringify(r.reply));
  assert.equal(r.reply.kind === 'success' && r.reply.user.username, user);
  assert.equal(r.exitCode, 0, 'gsasl accepted the exchange');
};

for (const mech of ['SCRAM-SHA-1', 'SCRAM-SHA-256'] as const) {
  test(`gsasl ${mech} client authenticates with an initial response and verifies our v=`, async () => {
    const r = await runGsasl(mech, ['-a', 'user', '-p', 'pencil']);
    ok(r, 'user');
    assert.equal(r.rounds, 2, 'server-first, then v= as a challenge answered with an empty line');
    assert.equal(r.clientLines.at(-1), '');
  });

  test(`gsasl ${mech} client authenticates without an initial response`, async () => {
    ok(await runGsasl(mech, ['-a', 'user', '-p', 'pencil'], false), 'user');
  });

  test(`gsasl ${mech} client with UTF-8 credentials authenticates`, async () => {
    ok(await runGsasl(mech, ['-a', 'alice@example.org', '-p', 'wönder länd']), 'alice@example.org');
  });

  test(`gsasl ${mech} client with a user name needing =2C/=3D escapes authenticates`, async () => {
    ok(await runGsasl(mech, ['-a', 'a,b=c', '-p', 'commas']), 'a,b=c');
  });

  test(`gsasl ${mech} client with its own authzid authenticates`, async () => {
    ok(await runGsasl(mech, ['-a', 'user', '-z', 'user', '-p', 'pencil']), 'user');
  });

  test(`gsasl ${mech} client asking for another authzid is refused`, async () => {
    const r = await runGsasl(mech, ['-a', 'user', '-z', 'tim', '-p', 'pencil']);
    assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'authz');
  });

  test(`gsasl ${mech} client with a wrong password is refused with invalid-proof`, async () => {
    const r = await runGsasl(mech, ['-a', 'user', '-p', 'pencil!']);
    assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'credentials');
    assert.equal(r.reply.kind === 'failure' && Buffer.from(r.reply.text ?? '', 'base64').toString(), 'e=invalid-proof');
    assert.notEqual(r.exitCode, 0);
  });

  test(`gsasl ${mech} client for an unknown user is refused only at the proof`, async () => {
    const r = await runGsasl(mech, ['-a', 'ghost', '-p', 'pencil']);
    assert.equal(r.rounds, 1);
    assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'credentials');
  });
}

test('gsasl CRAM-MD5 client authenticates against our challenge', async () => {
  const r = await runGsasl('CRAM-MD5', ['-a', 'tim', '-p', 'tanstaaftanstaaf']);
  ok(r, 'tim');
  assert.equal(r.rounds, 1);
});

test('gsasl CRAM-MD5 client with a wrong secret is refused', async () => {
  const r = await runGsasl('CRAM-MD5', ['-a', 'tim', '-p', 'tanstaaf']);
  assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'credentials');
});

test('gsasl CRAM-MD5 client for a user without a cleartext secret is refused', async () => {
  const r = await runGsasl('CRAM-MD5', ['-a', 'hashed', '-p', 'secret']);
  assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'credentials');
});

test('gsasl PLAIN client authenticates with an initial response', async () => {
  const r = await runGsasl('PLAIN', ['-a', 'alice@example.org', '-p', 'wönder länd']);
  ok(r, 'alice@example.org');
  assert.equal(r.rounds, 0);
});

test('gsasl PLAIN client authenticates after an empty challenge', async () => {
  ok(await runGsasl('PLAIN', ['-a', 'tim', '-p', 'tanstaaftanstaaf'], false), 'tim');
});

test('gsasl PLAIN client with a foreign authzid is refused', async () => {
  const r = await runGsasl('PLAIN', ['-a', 'tim', '-z', 'user', '-p', 'tanstaaftanstaaf']);
  assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'authz');
});

test('gsasl PLAIN client with a wrong password is refused', async () => {
  const r = await runGsasl('PLAIN', ['-a', 'tim', '-p', 'x']);
  assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'credentials');
});

test('gsasl LOGIN client answers Username: and Password: challenges', async () => {
  const r = await runGsasl('LOGIN', ['-a', 'tim', '-p', 'tanstaaftanstaaf'], false);
  ok(r, 'tim');
  assert.equal(r.rounds, 2);
});

test('gsasl LOGIN client sending the user name as initial response authenticates', async () => {
  const r = await runGsasl('LOGIN', ['-a', 'tim', '-p', 'tanstaaftanstaaf']);
  ok(r, 'tim');
  assert.equal(r.rounds, 1);
});

test('gsasl LOGIN client with a wrong password is refused', async () => {
  const r = await runGsasl('LOGIN', ['-a', 'tim', '-p', 'nope'], false);
  assert.equal(r.reply.kind === 'failure' && r.reply.reason, 'credentials');
});
