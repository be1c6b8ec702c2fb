import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startModuleWorker } from './module-worker.js';
import { createTerminationGuard, terminateSafely } from './termination-guard.js';

test('a thread is terminated only once it is outside its guarded native call, and enters no new one', async () => {
  const guard = createTerminationGuard();
  const worker = startModuleWorker(
    new URL('../../test-support/guarded-call-worker.ts', import.meta.url),
    {},
    [],
    guard,
  );
  const messages: string[] = [];
  worker.on('message', (m: string) => messages.push(m));
  await new Promise<void>((resolve) => worker.on('message', (m) => m === 'entered' && resolve()));
  const asked = performance.now();
  await terminateSafely(worker, guard);
  const waited = performance.now() - asked;
  assert.ok(waited >= 300, `terminated after ${waited} ms, inside the call`);
  assert.equal(messages[0], 'entered');
  assert.equal(messages[1], 'left', 'the call ran to its end');
  assert.ok(!messages.includes('entered again'), 'no call starts once a stop is asked');
});
