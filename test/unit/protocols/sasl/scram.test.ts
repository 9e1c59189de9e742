import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createMechanism } from '../../../../protocols/sasl/mechanisms.js';
import type { Mechanism, MechanismOptions, Step } from '../../../../protocols/sasl/types.js';
import { scramClientFinal } from './scram-client.js';
import { exampleUsers, testContext } from './user-table.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const text = (step: Step) => (step.kind === 'failure' ? '' : (step.data ?? Buffer.alloc(0)).toString('utf8'));

// RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256), verbatim.
const VECTORS = [
  {
    mech: 'SCRAM-SHA-1',
    serverNonce: '3rfcNHYJY1ZVvWVs7j',
    clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
    serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
    clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    mech: 'SCRAM-SHA-256',
    serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
    serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
] as const;

type Vector = (typeof VECTORS)[number];

function scram(v: Vector, options: MechanismOptions = {}, users = exampleUsers()): Mechanism {
  return createMechanism(v.mech, users, testContext, { nonce: () => v.serverNonce, ...options });
}

/** Replace the proof of a client-final message with one that differs in one bit. */
function tamperProof(clientFinal: string): string {
  const i = clientFinal.lastIndexOf(',p=');
  const proof = Buffer.from(clientFinal.slice(i + 3), 'base64');
  proof[0] ^= 1;
  return `${clientFinal.slice(0, i)},p=${proof.toString('base64')}`;
}

for (const v of VECTORS) {
  test(`${v.mech} reproduces the RFC example exchange exactly, with v= as a challenge then success on the empty response`, async () => {
    const m = scram(v);
    const s1 = await m.start(b(v.clientFirst));
    assert.equal(s1.kind, 'challenge');
    assert.equal(text(s1), v.serverFirst);
    const s2 = await m.step(b(v.clientFinal));
    assert.equal(s2.kind, 'challenge');
    assert.equal(text(s2), v.serverFinal);
    const s3 = await m.step(Buffer.alloc(0));
    assert.equal(s3.kind === 'success' && s3.user.username, 'user');
    assert.equal(s3.kind === 'success' && s3.data, undefined);
  });

  test(`${v.mech} sends v= with the success when the protocol carries success data`, async () => {
    const m = scram(v, { additionalDataWithSuccess: true });
    await m.start(b(v.clientFirst));
    const s2 = await m.step(b(v.clientFinal));
    assert.equal(s2.kind, 'success');
    assert.equal(text(s2), v.serverFinal);
  });

  test(`${v.mech} without an initial response sends an empty challenge first`, async () => {
    const m = scram(v);
    assert.deepEqual(await m.start(), { kind: 'challenge', data: Buffer.alloc(0) });
    assert.equal(text(await m.step(b(v.clientFirst))), v.serverFirst);
    assert.equal(text(await m.step(b(v.clientFinal))), v.serverFinal);
    assert.equal((await m.step(Buffer.alloc(0))).kind, 'success');
  });

  test(`${v.mech} fails the exchange when the response to v= is not empty`, async () => {
    const m = scram(v);
    await m.start(b(v.clientFirst));
    await m.step(b(v.clientFinal));
    const s3 = await m.step(b('x'));
    assert.equal(s3.kind === 'failure' && s3.reason, 'malformed');
  });

  test(`${v.mech} refuses a tampered proof with e=invalid-proof`, async () => {
    const m = scram(v);
    await m.start(b(v.clientFirst));
    const s2 = await m.step(b(tamperProof(v.clientFinal)));
    assert.equal(s2.kind === 'failure' && s2.reason, 'credentials');
    assert.equal(s2.kind === 'failure' && s2.data?.toString(), 'e=invalid-proof');
  });

  test(`${v.mech} refuses a proof of the wrong length`, async () => {
    const m = scram(v);
    await m.start(b(v.clientFirst));
    const s2 = await m.step(b(v.clientFinal.replace(/p=.*$/, 'p=AAAA')));
    assert.equal(s2.kind === 'failure' && s2.data?.toString(), 'e=invalid-proof');
  });

  test(`${v.mech} refuses a client-final whose nonce is not the combined nonce`, async () => {
    const m = scram(v);
    await m.start(b(v.clientFirst));
    const s2 = await m.step(b(v.clientFinal.replace(v.serverNonce, `${v.serverNonce}X`)));
    assert.equal(s2.kind === 'failure' && s2.reason, 'malformed');
    assert.equal(s2.kind === 'failure' && s2.data?.toString(), 'e=other-error');
  });

  test(`${v.mech} refuses c= that does not match the gs2 header`, async () => {
    const m = scram(v);
    await m.start(b(v.clientFirst));
    // c=eSws is "y,," while the client sent "n,,".
    const s2 = await m.step(b(v.clientFinal.replace('c=biws', 'c=eSws')));
    assert.equal(s2.kind === 'failure' && s2.data?.toString(), 'e=channel-bindings-dont-match');
  });

  test(`${v.mech} refuses p= channel binding as not supported`, async () => {
    const users = exampleUsers();
    const s1 = await scram(v, {}, users).start(b(v.clientFirst.replace(/^n,,/, 'p=tls-unique,,')));
    assert.equal(s1.kind === 'failure' && s1.reason, 'malformed');
    assert.equal(s1.kind === 'failure' && s1.data?.toString(), 'e=channel-binding-not-supported');
    assert.deepEqual(users.calls, []);
  });

  test(`${v.mech} fails an unknown user only at the proof, after a normal-looking server-first`, async () => {
    const m = scram(v);
    const s1 = await m.start(b('n,,n=ghost,r=abcdef'));
    assert.equal(s1.kind, 'challenge');
    assert.match(text(s1), new RegExp(`^r=abcdef${v.serverNonce.replace(/[$)]/g, '\\$&')},s=[A-Za-z0-9+/]+=*,i=4096$`));
    const { clientFinal } = scramClientFinal(v.mech === 'SCRAM-SHA-1' ? 'SHA-1' : 'SHA-256', 'pencil', 'n,,', 'n=ghost,r=abcdef', text(s1));
    const s2 = await m.step(b(clientFinal));
    assert.equal(s2.kind === 'failure' && s2.reason, 'credentials');
    assert.equal(s2.kind === 'failure' && s2.data?.toString(), 'e=invalid-proof');
  });

  test(`${v.mech} gives an unknown user the same salt on every attempt`, async () => {
    const first = text(await scram(v).start(b('n,,n=ghost,r=abc')));
    const second = text(await scram(v).start(b('n,,n=ghost,r=abc')));
    assert.equal(first, second);
  });
}

const SHA256 = VECTORS[1];

/** Run a whole exchange with the test client; returns the step after client-final. */
async function run(gs2Header: string, bare: string, password: string, options: MechanismOptions = { additionalDataWithSuccess: true }): Promise<{ s1: Step; s2: Step | null; serverSignature: string }> {
  const m = scram(SHA256, options);
  const s1 = await m.start(b(gs2Header + bare));
  if (s1.kind !== 'challenge') return { s1, s2: null, serverSignature: '' };
  const parts = scramClientFinal('SHA-256', password, gs2Header, bare, text(s1));
  return { s1, s2: await m.step(b(parts.clientFinal)), serverSignature: parts.serverSignature };
}

test('SCRAM accepts the y gs2 flag (client could bind, server does not offer -PLUS)', async () => {
  const { s2, serverSignature } = await run('y,,', 'n=user,r=nonce1', 'pencil');
  assert.equal(s2?.kind, 'success');
  assert.equal(s2 && text(s2), `v=${serverSignature}`);
});

test('SCRAM accepts an authzid equal to the user name', async () => {
  const { s2 } = await run('n,a=user,', 'n=user,r=nonce1', 'pencil');
  assert.equal(s2?.kind, 'success');
});

test('SCRAM refuses an authzid naming another user with an authz failure', async () => {
  const { s2 } = await run('n,a=tim,', 'n=user,r=nonce1', 'pencil');
  assert.equal(s2?.kind === 'failure' && s2.reason, 'authz');
});

test('SCRAM decodes =2C and =3D in the user name', async () => {
  const { s2 } = await run('n,,', 'n=a=2Cb=3Dc,r=nonce1', 'commas');
  assert.equal(s2?.kind === 'success' && s2.user.username, 'a,b=c');
});

test('SCRAM handles a UTF-8 user name and password', async () => {
  const { s1, s2 } = await run('n,,', 'n=alice@example.org,r=nonce1', 'wönder länd');
  assert.match(text(s1), /,i=1000$/);
  assert.equal(s2?.kind, 'success');
});

test('SCRAM accepts extensions after the nonce', async () => {
  const { s2 } = await run('n,,', 'n=user,r=nonce1,x=whatever', 'pencil');
  assert.equal(s2?.kind, 'success');
});

test('SCRAM with the wrong password fails with e=invalid-proof', async () => {
  const { s2 } = await run('n,,', 'n=user,r=nonce1', 'pencil2');
  assert.equal(s2?.kind === 'failure' && s2.data?.toString(), 'e=invalid-proof');
});

const MALFORMED_FIRST: Array<[string, string, string]> = [
  ['no gs2 header', 'n=user,r=abc', 'e=other-error'],
  ['unknown gs2 flag', 'x,,n=user,r=abc', 'e=other-error'],
  ['gs2 authzid without a=', 'n,user,n=user,r=abc', 'e=other-error'],
  ['bad =XX escape in the user name', 'n,,n=us=2Der,r=abc', 'e=invalid-username-encoding'],
  ['lower-case escape', 'n,,n=a=2cb,r=abc', 'e=invalid-username-encoding'],
  ['trailing = in the user name', 'n,,n=user=,r=abc', 'e=invalid-username-encoding'],
  ['empty user name', 'n,,n=,r=abc', 'e=invalid-username-encoding'],
  ['missing nonce', 'n,,n=user', 'e=other-error'],
  ['attributes in the wrong order', 'n,,r=abc,n=user', 'e=other-error'],
  ['empty nonce', 'n,,n=user,r=', 'e=other-error'],
  ['nonce with a space', 'n,,n=user,r=ab cd', 'e=other-error'],
  ['nonce with a control character', 'n,,n=user,r=ab\x01', 'e=other-error'],
  ['nonce with non-ASCII', 'n,,n=user,r=abé', 'e=other-error'],
  ['mandatory extension m=', 'n,,m=ext,n=user,r=abc', 'e=extensions-not-supported'],
  ['malformed extension', 'n,,n=user,r=abc,garbage', 'e=other-error'],
  ['empty message', '', 'e=other-error'],
];

for (const [label, message, error] of MALFORMED_FIRST) {
  test(`SCRAM client-first with ${label} is malformed (${error})`, async () => {
    const users = exampleUsers();
    const s1 = await scram(SHA256, {}, users).start(b(message));
    assert.equal(s1.kind === 'failure' && s1.reason, 'malformed');
    assert.equal(s1.kind === 'failure' && s1.data?.toString(), error);
    assert.deepEqual(users.calls, []);
  });
}

test('SCRAM client-first that is not UTF-8 is malformed with e=invalid-encoding', async () => {
  const s1 = await scram(SHA256).start(Buffer.from([0x6e, 0x2c, 0x2c, 0x6e, 0x3d, 0xff, 0x2c, 0x72, 0x3d, 0x61]));
  assert.equal(s1.kind === 'failure' && s1.data?.toString(), 'e=invalid-encoding');
});

const MALFORMED_FINAL: Array<[string, (f: string) => string]> = [
  ['missing proof', (f) => f.replace(/,p=.*$/, '')],
  ['proof not base64', (f) => f.replace(/,p=.*$/, ',p=!!!!')],
  ['empty proof', (f) => f.replace(/,p=.*$/, ',p=')],
  ['c= not base64', (f) => f.replace('c=biws', 'c=b!ws')],
  ['attributes out of order', (f) => f.replace(/^c=biws,(r=[^,]+)/, '$1,c=biws')],
  ['r= missing', (f) => f.replace(/,r=[^,]+/, '')],
  ['garbage', () => 'hello'],
  ['repeated p= as an extension', (f) => f.replace(/,p=/, ',p=AAAA,p=')],
];

for (const [label, mangle] of MALFORMED_FINAL) {
  test(`SCRAM client-final with ${label} is malformed`, async () => {
    const m = scram(SHA256);
    await m.start(b(SHA256.clientFirst));
    const s2 = await m.step(b(mangle(SHA256.clientFinal)));
    assert.equal(s2.kind === 'failure' && s2.reason, 'malformed');
  });
}

test('SCRAM refuses any step after a failure', async () => {
  const m = scram(SHA256);
  await m.start(b('garbage'));
  const again = await m.step(b(SHA256.clientFirst));
  assert.equal(again.kind === 'failure' && again.reason, 'malformed');
});

test('SCRAM turns a user database error into a temporary failure', async () => {
  const s1 = await scram(SHA256).start(b('n,,n=broken,r=abc'));
  assert.equal(s1.kind === 'failure' && s1.reason, 'temp');
});

test('SCRAM refuses an invalid injected server nonce rather than sending it', async () => {
  const s1 = await createMechanism('SCRAM-SHA-256', exampleUsers(), testContext, { nonce: () => 'a,b' }).start(b(SHA256.clientFirst));
  assert.equal(s1.kind === 'failure' && s1.reason, 'temp');
});

test('SCRAM default server nonces are random and printable', async () => {
  const nonces = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const s1 = await createMechanism('SCRAM-SHA-1', exampleUsers(), testContext).start(b('n,,n=user,r=abc'));
    const r = /^r=abc([^,]+),/.exec(text(s1));
    assert.ok(r, text(s1));
    assert.match(r[1], /^[\x21-\x2b\x2d-\x7e]{16,}$/);
    nonces.add(r[1]);
  }
  assert.equal(nonces.size, 20);
});

// A second, independent client: Python's hashlib/hmac computing the RFC 5802 client proof.
const PYTHON_CLIENT = `
import base64, hashlib, hmac, sys
algo, password, gs2, bare, server_first = sys.argv[1:6]
attrs = dict(a.split('=', 1) for a in server_first.split(','))
salted = hashlib.pbkdf2_hmac(algo, password.encode(), base64.b64decode(attrs['s']), int(attrs['i']))
without_proof = 'c=' + base64.b64encode(gs2.encode()).decode() + ',r=' + attrs['r']
auth = (bare + ',' + server_first + ',' + without_proof).encode()
client_key = hmac.new(salted, b'Client Key', algo).digest()
sig = hmac.new(hashlib.new(algo, client_key).digest(), auth, algo).digest()
proof = bytes(a ^ b for a, b in zip(client_key, sig))
server_sig = hmac.new(hmac.new(salted, b'Server Key', algo).digest(), auth, algo).digest()
print(without_proof + ',p=' + base64.b64encode(proof).decode())
print('v=' + base64.b64encode(server_sig).decode())
`;

for (const [mech, algo] of [['SCRAM-SHA-1', 'sha1'], ['SCRAM-SHA-256', 'sha256']] as const) {
  test(`${mech} completes against an independent Python client and its server signature matches`, async () => {
    const m = createMechanism(mech, exampleUsers(), testContext);
    const bare = 'n=alice@example.org,r=pyNonce+/=';
    const s1 = await m.start(b(`n,,${bare}`));
    assert.equal(s1.kind, 'challenge');
    const out = execFileSync('python3', ['-c', PYTHON_CLIENT, algo, 'wönder länd', 'n,,', bare, text(s1)], { encoding: 'utf8' });
    const [clientFinal, expectedV] = out.trim().split('\n');
    const s2 = await m.step(b(clientFinal));
    assert.equal(text(s2), expectedV);
    assert.equal((await m.step(Buffer.alloc(0))).kind, 'success');
  });
}
