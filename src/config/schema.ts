// The configuration schema: every setting with its default. contrib/inboxd.example.toml documents each key.
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const seconds = z.number().nonnegative();
const lockKind = z.enum(['fcntl', 'dotlock', 'flock']);

const pop3 = z
  .object({
    enabled: z.boolean().default(true),
    port: port.default(110),
    tls_port: port.default(995),
    idle_timeout_seconds: z.number().min(600, 'RFC 1939 requires at least 10 minutes').default(600),
    allow_concurrent_sessions: z.boolean().default(false),
    uidl_format: z.string().min(1).default('%08Xu%08Xv'),
    reuse_x_uidl: z.boolean().default(false),
    mark_seen_on_retr: z.boolean().default(true),
    expire: z.union([z.literal('NEVER'), z.number().int().nonnegative()]).default('NEVER'),
    login_delay_seconds: z.number().int().nonnegative().default(0),
  })
  .strict();

const imap = z
  .object({
    enabled: z.boolean().default(true),
    port: port.default(143),
    tls_port: port.default(993),
    autologout_seconds: z.number().min(1800, 'RFC 3501 requires at least 30 minutes').default(1800),
    idle_keepalive_seconds: seconds.default(120),
  })
  .strict();

const tls = z
  .object({
    cert: z.string().default(''),
    key: z.string().default(''),
    min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
    ciphers: z.string().default(''),
  })
  .strict();

const auth = z
  .object({
    passwd_file: z.string().default(''),
    allow_cleartext_without_tls: z.enum(['loopback', 'always', 'never']).default('loopback'),
    mechanisms: z
      .array(z.enum(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256']))
      .default(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256']),
    penalty_max_seconds: seconds.default(15),
    max_sasl_response_bytes: z.number().int().positive().default(16384),
  })
  .strict();

const mail = z
  .object({
    location: z.string().min(1).default('maildir:~/Maildir'),
    autocreate_special_use: z.array(z.enum(['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'])).default([
      'Sent',
      'Drafts',
      'Trash',
      'Junk',
    ]),
    watch_poll_seconds: seconds.default(5),
  })
  .strict();

const mbox = z
  .object({
    read_locks: z.array(lockKind).default(['fcntl']),
    write_locks: z.array(lockKind).default(['fcntl', 'dotlock']),
    lock_timeout_seconds: seconds.default(30),
    dotlock_stale_seconds: seconds.default(300),
    unescape_mboxrd: z.boolean().default(false),
  })
  .strict();

const limits = z
  .object({
    max_connections: z.number().int().positive().default(5000),
    max_connections_per_ip: z.number().int().positive().default(20),
    max_line_bytes: z.number().int().min(1024).default(65536),
    max_literal_bytes: z.number().int().positive().default(50 * 1024 * 1024),
    max_nesting: z.number().int().positive().default(32),
    max_bad_commands: z.number().int().positive().default(10),
    max_message_bytes: z.number().int().positive().default(50 * 1024 * 1024),
    shutdown_grace_seconds: seconds.default(30),
    proxy_header_timeout_seconds: seconds.default(5),
  })
  .strict();

const proxy = z
  .object({
    trusted_networks: z.array(z.string()).default([]),
  })
  .strict();

const log = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    format: z.enum(['json', 'pretty']).default('json'),
  })
  .strict();

const popBeforeSmtp = z
  .object({
    enabled: z.boolean().default(false),
    window_seconds: seconds.default(1200),
    policy_listen: z.string().default('127.0.0.1'),
    policy_port: port.default(10040),
    map_file: z.string().default(''),
  })
  .strict();

export const configSchema = z
  .object({
    listen: z.array(z.string()).min(1).default(['127.0.0.1']),
    data_dir: z.string().default('./var'),
    user: z.string().default(''),
    group: z.string().default(''),
    pop3: pop3.prefault({}),
    imap: imap.prefault({}),
    tls: tls.prefault({}),
    auth: auth.prefault({}),
    mail: mail.prefault({}),
    mbox: mbox.prefault({}),
    limits: limits.prefault({}),
    proxy: proxy.prefault({}),
    log: log.prefault({}),
    pop_before_smtp: popBeforeSmtp.prefault({}),
  })
  .strict();

/** The validated, defaulted configuration. */
export type Config = z.infer<typeof configSchema>;
export type LockKind = z.infer<typeof lockKind>;
