import assert from 'node:assert/strict';
import { test } from 'node:test';
import { servingV8Flags } from './serving-heap.js';

test('a serving process turns allocation-site pretenuring off unless its command line decides', () => {
  assert.deepEqual(servingV8Flags([]), ['--no-allocation-site-pretenuring']);
  assert.deepEqual(servingV8Flags(['--enable-source-maps', '--max-old-space-size=4096']), [
    '--no-allocation-site-pretenuring',
  ]);
  assert.deepEqual(servingV8Flags(['--allocation-site-pretenuring']), []);
  assert.deepEqual(servingV8Flags(['--no-allocation_site_pretenuring']), []);
});
