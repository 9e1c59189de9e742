// Test helpers: temp dirs and real foreign lock holders (Python's fcntl, procmail's lockfile).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Creates a temp dir with an mbox file `inbox` in it. */
export async function tempMbox(content = 'From a@b Thu Nov 19 10:00:00 2026\n\nhi\n'): Promise<{ dir: string; file: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  const file = join(dir, 'inbox');
  await writeFile(file, content);
  return { dir, file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Fails with a clear message when an external tool is missing. */
export function requireTool(cmd: string, args: string[] = ['--version']): void {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.error) throw new Error(`test needs the external tool ${cmd} (${r.error.message}); install it (python3 / procmail / util-linux)`);
}

// Python holder: takes a *classic POSIX* lock (lockf = fcntl F_SETLK) or a flock, blocking,
// prints "locked", waits for a line on stdin, unlocks and prints "unlocked".
const HOLDER = `
import fcntl, os, sys
path, kind, mode = sys.argv[1], sys.argv[2], sys.argv[3]
fd = os.open(path, os.O_RDWR if mode == 'ex' else os.O_RDONLY)
op = fcntl.LOCK_EX if mode == 'ex' else fcntl.LOCK_SH
(fcntl.lockf if kind == 'lockf' else fcntl.flock)(fd, op)
print('locked', flush=True)
sys.stdin.readline()
(fcntl.lockf if kind == 'lockf' else fcntl.flock)(fd, fcntl.LOCK_UN)
print('unlocked', flush=True)
`;

/** A Python child process holding a lock until `release()` (idempotent) is called. */
export interface ForeignHolder {
  release(): Promise<void>;
}

function nextLine(child: ChildProcessWithoutNullStreams): () => Promise<string> {
  const rl = createInterface({ input: child.stdout });
  const lines: string[] = [];
  const waiters: ((s: string) => void)[] = [];
  rl.on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('close', (code) => {
    for (const w of waiters.splice(0)) w(`exited ${code}: ${stderr}`);
  });
  return () => (lines.length ? Promise.resolve(lines.shift() as string) : new Promise((r) => waiters.push(r)));
}

/** Starts Python holding a `kind` ('lockf' classic POSIX lock or 'flock') lock on `path`. */
export async function pythonHold(path: string, kind: 'lockf' | 'flock', mode: 'ex' | 'sh' = 'ex'): Promise<ForeignHolder> {
  const child = spawn('python3', ['-c', HOLDER, path, kind, mode]);
  const line = nextLine(child);
  const first = await line();
  if (first !== 'locked') throw new Error(`python lock holder failed: ${first}`);
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        child.stdin.write('\n');
        const l = await line();
        if (l !== 'unlocked') throw new Error(`python lock holder: ${l}`);
        child.stdin.end();
        if (child.exitCode === null) await new Promise((r) => child.once('close', r));
      })();
      return released;
    },
  };
}

/** Non-blocking probe from a separate process: 'free' or 'busy'. */
export function pythonProbe(path: string, kind: 'lockf' | 'flock', mode: 'ex' | 'sh' = 'ex'): Promise<'free' | 'busy'> {
  const code = `
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR if sys.argv[3] == 'ex' else os.O_RDONLY)
op = (fcntl.LOCK_EX if sys.argv[3] == 'ex' else fcntl.LOCK_SH) | fcntl.LOCK_NB
try:
    (fcntl.lockf if sys.argv[2] == 'lockf' else fcntl.flock)(fd, op)
    print('free')
except OSError:
    print('busy')
`;
  return runPython(code, [path, kind, mode]) as Promise<'free' | 'busy'>;
}

/** Runs a Python snippet with arguments and resolves to its trimmed stdout; rejects on failure. */
export function runPython(code: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(out.trim()) : reject(new Error(`python3 exited ${status}: ${err}`))));
  });
}

/** Runs procmail's lockfile(1); resolves to its exit status. */
export function lockfileCmd(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('lockfile', args, { stdio: 'ignore' });
    child.on('error', (e) => reject(new Error(`lockfile(1) from procmail is needed: ${e.message}`)));
    child.on('close', (status) => resolve(status ?? -1));
  });
}
