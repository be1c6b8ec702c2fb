// A job thread's stand-in for the termination-guard test: a "native call" of 400 ms
// inside the guard, announced when it starts and when it is over.
import { parentPort } from 'node:worker_threads';
import { guardedNativeCall } from '../src/threads/termination-guard.js';

await guardedNativeCall(async () => {
  parentPort?.postMessage('entered');
  await new Promise((r) => setTimeout(r, 400));
  parentPort?.postMessage('left');
});
try {
  await guardedNativeCall(async () => parentPort?.postMessage('entered again'));
} catch (err) {
  parentPort?.postMessage(`refused: ${(err as Error).message}`);
}
await new Promise((r) => setTimeout(r, 60_000));
