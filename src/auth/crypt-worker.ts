// Worker-thread entry: runs synchronous crypt(3) computations for crypt-pool.ts off the main loop.
import { parentPort } from 'node:worker_threads';
import { cryptHashSync, cryptVerifySync } from './crypt-sync.js';
import type { CryptReply, CryptRequest } from './crypt-pool.js';

const port = parentPort;
if (!port) throw new Error('crypt-worker must run in a worker thread');

port.on('message', (req: CryptRequest) => {
  let reply: CryptReply;
  try {
    const value = req.op === 'verify' ? cryptVerifySync(req.hash, req.password) : cryptHashSync(req.kind, req.password, req.rounds);
    reply = { id: req.id, ok: true, value };
  } catch (err) {
    reply = { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
