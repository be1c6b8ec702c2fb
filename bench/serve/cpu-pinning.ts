/**
 * Keeping processes on cores of their own (Linux's taskset, util-linux): so that a
 * comparison of one serving process against two gives each process a core, and the load
 * generator the core that is left where there is one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { childrenOf } from './process-cpu.ts';

/** The command to run `file args` on `cpu` only; as it is when `cpu` is undefined. */
export function pinnedCommand(file: string, args: string[], cpu: number | undefined): [string, string[]] {
  return cpu === undefined ? [file, args] : ['taskset', ['-c', String(cpu), file, ...args]];
}

/** Moves every thread of process `pid` (V8's and libuv's helpers too) onto `cpu`. */
export function pinProcess(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/**
 * The processes that serve under a `marquee serve` process: its node:cluster workers
 * under `--workers N` (N > 1), or the process itself.
 */
export function servingProcesses(pid: number): number[] {
  const workers = childrenOf(pid).filter((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('serve');
    } catch {
      return false;
    }
  });
  return workers.length ? workers : [pid];
}

/** Whether taskset is there and this machine lets a process choose its cores. */
export function canPin(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
