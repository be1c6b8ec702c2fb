/**
 * CPU time a server process and its children (the `--workers` processes) have used, read
 * from /proc: divided by the requests of a load run, it is the server's CPU per request,
 * which a shared host's noise moves less than its requests per second.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc's CPU times. */
export function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

function ownTicks(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The processes `pid` started that are still alive. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    if (text) out.push(...text.split(' ').map(Number));
  }
  return out;
}

/** Seconds of CPU used so far by `pid` and every live process below it; undefined off Linux. */
export function treeCpuSeconds(pid: number): number | undefined {
  try {
    let ticks = 0;
    const stack = [pid];
    while (stack.length) {
      const p = stack.pop() as number;
      ticks += ownTicks(p);
      stack.push(...childrenOf(p));
    }
    return ticks / clockTicks();
  } catch {
    return undefined;
  }
}
