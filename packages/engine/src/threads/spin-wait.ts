/**
 * Atomics.wait(words, at, seen, timeoutMs), after first watching the word for up to
 * SPIN_MS. A thread woken from Atomics.wait takes tens of microseconds to run again (a
 * futex wake and the scheduler, more under a hypervisor), as long as a whole range of an
 * optimiser's evaluation on small data; a short spin catches the next run or the last
 * result without sleeping, and then sleeps as before.
 */
export function spinThenWait(
  words: Int32Array,
  at: number,
  seen: number,
  timeoutMs: number,
): 'ok' | 'not-equal' | 'timed-out' {
  const until = performance.now() + Math.min(SPIN_MS, timeoutMs);
  do {
    if (Atomics.load(words, at) !== seen) return 'not-equal';
  } while (performance.now() < until);
  return Atomics.wait(words, at, seen, Math.max(0, timeoutMs - SPIN_MS));
}

/**
 * How long a waiting thread watches before it sleeps. bench:train's subset, two runs
 * each way: the MLP 11% faster on breast cancer, digits and spambase, digits' logistic
 * regression 38 ms a fit against 40–44; the forests and kernel SVM (long tasks) the same.
 */
const SPIN_MS = 0.2;
