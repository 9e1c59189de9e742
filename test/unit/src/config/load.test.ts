import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { readFileSync } from 'node:fs';
import { loadConfigFile, parseConfig, validateConfig } from '../../../../src/config/load.js';
import { ConfigError } from '../../../../src/errors.js';

const examplePath = path.resolve('contrib/inboxd.example.toml');

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

test('an empty file gives every default', () => {
  const cfg = parseConfig('');
  assert.deepEqual(cfg.listen, ['127.0.0.1']);
  assert.equal(cfg.pop3.port, 110);
  assert.equal(cfg.pop3.tls_port, 995);
  assert.equal(cfg.imap.port, 143);
  assert.equal(cfg.imap.tls_port, 993);
  assert.equal(cfg.tls.min_version, 'TLSv1.2');
  assert.equal(cfg.auth.allow_cleartext_without_tls, 'loopback');
  assert.equal(cfg.mail.location, 'maildir:~/Maildir');
  assert.equal(cfg.limits.max_connections, 5000);
  assert.equal(cfg.limits.max_connections_per_ip, 20);
  assert.equal(cfg.limits.max_line_bytes, 65536);
  assert.equal(cfg.log.level, 'info');
  assert.equal(cfg.log.format, 'json');
});

test('a misspelt key is an error naming its full key path', () => {
  const err = configError(() => parseConfig('[limits]\nmax_conections = 10\n'));
  assert.equal(err.keyPath, 'limits.max_conections');
  assert.match(err.message, /unknown setting/);
  assert.equal(configError(() => parseConfig('lisen = ["::"]\n')).keyPath, 'lisen');
  assert.equal(configError(() => parseConfig('[imapp]\nport = 1\n')).keyPath, 'imapp');
});

test('a value of the wrong type is an error naming the key and the expected type', () => {
  const err = configError(() => parseConfig('[imap]\nport = "143"\n'));
  assert.equal(err.keyPath, 'imap.port');
  assert.match(err.message, /expected number/);
  assert.equal(configError(() => parseConfig('[pop3]\nport = 70000\n')).keyPath, 'pop3.port');
  assert.equal(configError(() => parseConfig('[log]\nformat = "xml"\n')).keyPath, 'log.format');
  assert.equal(configError(() => parseConfig('[auth]\nallow_cleartext_without_tls = "sometimes"\n')).keyPath, 'auth.allow_cleartext_without_tls');
});

test('RFC minimum timeouts are enforced', () => {
  assert.equal(configError(() => parseConfig('[pop3]\nidle_timeout_seconds = 60\n')).keyPath, 'pop3.idle_timeout_seconds');
  assert.equal(configError(() => parseConfig('[imap]\nautologout_seconds = 60\n')).keyPath, 'imap.autologout_seconds');
});

test('settings that belong together are checked together', () => {
  assert.equal(configError(() => parseConfig('[tls]\ncert = "/x.pem"\n')).keyPath, 'tls.key');
  assert.equal(configError(() => parseConfig('[mail]\nlocation = "mdbox:~/mdbox"\n')).keyPath, 'mail.location');
});

test('a TOML syntax error names the file, line and column', () => {
  const err = configError(() => parseConfig('[pop3]\nport = = 1\n', '/etc/inboxd.toml'));
  assert.match(err.message, /\/etc\/inboxd\.toml:2:\d+: TOML syntax error/);
});

test('a missing config file is a clear error', async () => {
  await assert.rejects(loadConfigFile('/nonexistent/inboxd.toml'), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /cannot read config file \/nonexistent\/inboxd\.toml: no such file/);
    return true;
  });
});

test('relative paths are resolved against the config file directory', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    const file = path.join(dir, 'inboxd.toml');
    await writeFile(file, 'data_dir = "state"\n[tls]\ncert = "c.pem"\nkey = "/abs/k.pem"\n[auth]\npasswd_file = "passwd"\n');
    const cfg = await loadConfigFile(file);
    assert.equal(cfg.data_dir, path.join(dir, 'state'));
    assert.equal(cfg.tls.cert, path.join(dir, 'c.pem'));
    assert.equal(cfg.tls.key, '/abs/k.pem');
    assert.equal(cfg.auth.passwd_file, path.join(dir, 'passwd'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the example config is valid and sets every key to its documented default', async () => {
  const example = await loadConfigFile(examplePath);
  const defaults = validateConfig({});
  const fromFile = parseToml(readFileSync(examplePath, 'utf8')) as Record<string, unknown>;
  // Every key of the schema appears in the example file, in its section.
  for (const [key, value] of Object.entries(defaults)) {
    assert.ok(key in fromFile, `example lacks top-level key ${key}`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const section = fromFile[key] as Record<string, unknown>;
      for (const sub of Object.keys(value)) assert.ok(sub in section, `example lacks ${key}.${sub}`);
    }
  }
  // The values shown are the defaults (paths aside, which resolve against the file's directory).
  assert.deepEqual(
    { ...example, data_dir: '' },
    { ...defaults, data_dir: '' },
  );
});
