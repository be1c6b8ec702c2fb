import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TooManyRequests } from '../errors.js';
import { SignInThrottle } from './sign-in-throttle.js';

const refused = (fn: () => void): TooManyRequests | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof TooManyRequests);
    return err;
  }
};

describe('SignInThrottle: failed sign-ins slow down, then lock', () => {
  test('three failures are free; then the waits double; a success clears the account', () => {
    const t = new SignInThrottle();
    let now = 1_000_000;
    for (let i = 0; i < 3; i++) {
      assert.equal(
        refused(() => t.check('ada', '10.0.0.1', now)),
        undefined,
      );
      t.failed('ada', '10.0.0.1', now);
    }
    assert.equal(refused(() => t.check('ada', '10.0.0.1', now))?.retryAfterSeconds, 1);
    now += 1_000;
    t.check('ada', '10.0.0.1', now);
    t.failed('ada', '10.0.0.1', now);
    assert.equal(refused(() => t.check('ada', '10.0.0.9', now))?.retryAfterSeconds, 2, 'the account, from anywhere');
    now += 2_000;
    t.succeeded('ada');
    assert.equal(
      refused(() => t.check('ada', '10.0.0.2', now)),
      undefined,
      'cleared for the account',
    );
    t.failed('someone', '10.0.0.1', now);
    assert.equal(
      refused(() => t.check('another', '10.0.0.1', now))?.retryAfterSeconds,
      4,
      'the address keeps its count: a fifth failure from it waits 4 s, whoever signs in',
    );
  });

  test('ten failures lock for fifteen minutes, even with the right password; then it is forgotten', () => {
    const t = new SignInThrottle();
    let now = 5_000_000;
    for (let i = 0; i < 10; i++) {
      now += 1_000 * 2 ** Math.max(0, i - 3) + 1;
      t.check('ben', `10.1.0.${i}`, now);
      t.failed('ben', `10.1.0.${i}`, now);
    }
    const locked = refused(() => t.check('ben', '10.2.0.1', now + 60_000));
    assert.match(locked?.message ?? '', /this account is locked/);
    assert.ok((locked?.retryAfterSeconds ?? 0) > 13 * 60);
    assert.equal(
      refused(() => t.check('ben', '10.2.0.1', now + 15 * 60_000 + 1)),
      undefined,
    );
  });
});
