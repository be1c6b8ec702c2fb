import fs from 'node:fs';
import { clockTicks } from './process-cpu.ts';

/**
 * Busy CPU seconds of the whole machine so far, every core together (/proc/stat's user,
 * nice, system, irq and softirq), or undefined off Linux. Over a load run, this less the
 * server's own CPU is what the load generator and the kernel's loopback work took.
 */
export function machineBusySeconds(): number | undefined {
  try {
    const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/);
    // "cpu user nice system idle iowait irq softirq steal …"
    const busy = [1, 2, 3, 6, 7].reduce((sum, i) => sum + Number(fields[i]), 0);
    return busy / clockTicks();
  } catch {
    return undefined;
  }
}
