// Reading the TOML config file and turning every problem into a ConfigError with its key path.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

/** Validate an already parsed object (TOML table or built-in default) into a Config. */
export function validateConfig(raw: unknown): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw toConfigError(result.error.issues[0]);
  return checkCrossFields(result.data);
}

/** Parse TOML text into a Config; `source` names the file in error messages. */
export function parseConfig(text: string, source = 'config'): Config {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) {
      throw new ConfigError('', `${source}:${err.line}:${err.column}: TOML syntax error: ${firstLine(err.message)}`);
    }
    throw err;
  }
  return validateConfig(raw);
}

/** Read and validate a config file. Relative paths inside it are resolved against its directory. */
export async function loadConfigFile(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('', `cannot read config file ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? err)}`);
  }
  return resolvePaths(parseConfig(text, file), path.dirname(path.resolve(file)));
}

/** Resolve the file-system settings of a config against a base directory. */
export function resolvePaths(cfg: Config, baseDir: string): Config {
  const abs = (p: string): string => (p === '' || path.isAbsolute(p) ? p : path.resolve(baseDir, p));
  return {
    ...cfg,
    data_dir: abs(cfg.data_dir),
    tls: { ...cfg.tls, cert: abs(cfg.tls.cert), key: abs(cfg.tls.key) },
    auth: { ...cfg.auth, passwd_file: abs(cfg.auth.passwd_file) },
    pop_before_smtp: { ...cfg.pop_before_smtp, map_file: abs(cfg.pop_before_smtp.map_file) },
  };
}

function checkCrossFields(cfg: Config): Config {
  if ((cfg.tls.cert === '') !== (cfg.tls.key === '')) {
    throw new ConfigError(cfg.tls.cert === '' ? 'tls.cert' : 'tls.key', 'tls.cert and tls.key must be set together');
  }
  if (!/^(maildir|mbox):/.test(cfg.mail.location)) {
    throw new ConfigError('mail.location', 'must start with "maildir:" or "mbox:"');
  }
  if ((cfg.user === '') !== (cfg.group === '') && cfg.user === '') {
    throw new ConfigError('user', 'group is set but user is not');
  }
  return cfg;
}

function toConfigError(issue: z.core.$ZodIssue): ConfigError {
  const keyPath = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = keyPath ? `${keyPath}.` : '';
    return new ConfigError(`${where}${issue.keys[0]}`, 'unknown setting (check the spelling)');
  }
  return new ConfigError(keyPath, issue.message);
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
