import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ARTIFACT_FORMAT_VERSION, ArtifactError, decodeArtifact, encodeArtifact } from './artifact-format.js';

describe('artifact format', () => {
  const content = {
    learner: 'logistic-regression',
    params: { C: 0.5 },
    state: { classes: ['a', 'b'] },
    arrays: {
      coef: Float64Array.from([1.5, -2, Math.PI]),
      counts: Int32Array.from([3, 4]),
      mask: Uint8Array.from([1, 0, 1]),
    },
  };

  test('round-trips params, state and typed-array sections exactly', () => {
    const back = decodeArtifact(encodeArtifact(content));
    assert.equal(back.learner, 'logistic-regression');
    assert.deepEqual(back.params, { C: 0.5 });
    assert.deepEqual(back.state, { classes: ['a', 'b'] });
    assert.deepEqual(back.arrays.coef, content.arrays.coef);
    assert.deepEqual(back.arrays.counts, content.arrays.counts);
    assert.deepEqual(back.arrays.mask, content.arrays.mask);
  });

  test('an unknown format version, a foreign file and a truncated one fail clearly', () => {
    const bytes = encodeArtifact(content);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(4, ARTIFACT_FORMAT_VERSION + 1, true);
    assert.throws(() => decodeArtifact(future), /format version 2 is not supported \(this engine reads version 1\)/);
    assert.throws(() => decodeArtifact(new TextEncoder().encode('PK\x03\x04 zip')), /not a Marquee model artifact/);
    assert.throws(() => decodeArtifact(bytes.subarray(0, bytes.length - 8)), ArtifactError);
  });
});
