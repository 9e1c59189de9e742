// A minimal line-oriented TCP/TLS client for protocol transcripts.
import net from 'node:net';
import tls from 'node:tls';

/** A client that reads CRLF lines and writes raw bytes. */
export class LineClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private ended = false;
  socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<LineClient> {
    const socket = options.tls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' })
      : net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new LineClient(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async waitData(timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout waiting for data; have ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** The next line without CRLF; null at end of stream. */
  async line(timeoutMs = 10_000): Promise<string | null> {
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i !== -1) {
        const l = this.buf.subarray(0, i).toString('latin1');
        this.buf = this.buf.subarray(i + 2);
        return l;
      }
      if (this.ended) return null;
      await this.waitData(timeoutMs);
    }
  }

  /** Exactly n bytes. */
  async bytes(n: number, timeoutMs = 10_000): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.ended) throw new Error('closed before the expected bytes');
      await this.waitData(timeoutMs);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Lines up to and excluding a line equal to `end` (POP3 "."). */
  async until(end: string): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const l = await this.line();
      if (l === null) throw new Error(`closed before "${end}"`);
      if (l === end) return out;
      out.push(l);
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async send(line: string): Promise<string | null> {
    this.write(`${line}\r\n`);
    return this.line();
  }

  /** Upgrade to TLS in place (STLS/STARTTLS) after the server said to begin. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  /** Resolves when the server closed the connection. */
  async closed(timeoutMs = 10_000): Promise<void> {
    while (!this.ended) await this.waitData(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
