import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Makes sure a command-line tool from a Debian package is there: when `probe` fails, it
 * installs the package with apt-get (as root; this machine's registries include
 * Debian's) and probes again; otherwise it fails with the command that fixes it.
 */
export async function ensureDebianTool(name: string, pkg: string, probe: () => Promise<unknown>): Promise<void> {
  try {
    await probe();
    return;
  } catch {}
  if (process.getuid?.() === 0) {
    console.error(`${name} is missing: apt-get install -y ${pkg}`);
    try {
      await run('apt-get', ['install', '-y', pkg], { maxBuffer: 16 << 20 });
      await probe();
      return;
    } catch {}
  }
  throw new Error(`the serving benchmark needs ${name}: apt-get install -y ${pkg}`);
}
