import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withoutInternals } from './error-mapping.js';

describe('withoutInternals: what an error may not tell the caller', () => {
  test('quoted and bare server paths become "the file"', () => {
    assert.equal(
      withoutInternals('Malformed JSON in file "/tmp/marquee-x/blobs/sha256/ac/ac96", at byte 7'),
      'Malformed JSON in file the file, at byte 7',
    );
    assert.equal(
      withoutInternals("No magic bytes found at end of file '/var/lib/marquee/blobs/sha256/2e/2ec6'"),
      'No magic bytes found at end of file the file',
    );
    assert.equal(
      withoutInternals('cannot open /srv/data/marquee/x.csv for reading'),
      'cannot open the file for reading',
    );
  });

  test('stack frames go; the platform’s own words stay', () => {
    assert.equal(withoutInternals('boom at load (/app/dist/x.js:10:5)'), 'boom');
    const own = 'line 4 has 2 fields where the header has 3; give owner/name@version (e.g. ada/recs@2)';
    assert.equal(withoutInternals(own), own, 'model and dataset names are not paths');
    assert.equal(withoutInternals('the model takes 20 features: 1/2 given'), 'the model takes 20 features: 1/2 given');
    const advice = 'set it with PUT /api/v1/models/ada/recs/evaluation, or call /v2/models/ada.recs/infer';
    assert.equal(withoutInternals(advice), advice, "the platform's own URLs are advice, not internals");
  });
});
