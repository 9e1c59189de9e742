// Logging: JSON lines on stdout by default (pino), or human-readable with format = "pretty".
import { pino, type Logger } from 'pino';
import type { Config } from './config/schema.js';

export type { Logger };

/** Create the process logger from the [log] section. Passwords are never passed to it. */
export function createLogger(cfg: Config['log'], destination?: NodeJS.WritableStream): Logger {
  const options = {
    level: cfg.level,
    base: { service: 'inboxd' },
    redact: { paths: ['password', '*.password', 'secret', '*.secret'], censor: '[redacted]' },
  };
  if (cfg.format === 'pretty' && destination === undefined) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY, translateTime: 'SYS:standard' } },
    });
  }
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
