// AUTHENTICATE against GNU SASL's client (Debian package gsasl) in its IMAP mode: a real,
// independent implementation of every mechanism; for SCRAM it verifies our server signature.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;

before(async () => {
  d = await startTestDaemon([{ name: 'alice', password: 'secret' }]);
});

after(async () => {
  await d.stop();
});

interface GsaslRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `gsasl --client --imap` against the daemon with stdin closed (no application data). */
function gsasl(mechanism: string, password: string): Promise<GsaslRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('gsasl', ['--client', '--imap', '--connect', `127.0.0.1:${d.port('imap', false)}`, '-m', mechanism, '-a', 'alice', '-p', password, '--no-starttls', '--no-cb'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => reject(new Error(`the gsasl command (Debian package gsasl) is required: ${err.message}`)));
    const timer = setTimeout(() => child.kill(), 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end();
  });
}

for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5', 'PLAIN', 'LOGIN']) {
  test(`gsasl authenticates with ${mechanism} and accepts the server's answer`, async () => {
    const r = await gsasl(mechanism, 'secret');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^\. OK \[CAPABILITY IMAP4rev1 .*\] Logged in\r?$/m);
  });
}

test('gsasl with a wrong password gets NO [AUTHENTICATIONFAILED]', async () => {
  const r = await gsasl('SCRAM-SHA-256', 'wrong');
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /^\. NO \[AUTHENTICATIONFAILED\] /m);
});
