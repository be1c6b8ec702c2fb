/** Starting the bare node:http server (baseline-server.ts) for a bench: its own process on a loopback port. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, ROOT } from './marquee-process.ts';

export interface BaselineServer {
  /** Its OIP REST infer URL. */
  url: string;
  /** The process started (the node:cluster primary when it has more than one). */
  pid: number;
  stop(): Promise<void>;
}

/** The bare server on a free port with `processes` processes sharing it; resolves once it listens. */
export async function startBaseline(processes = 1): Promise<BaselineServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench', 'serve', 'baseline-server.ts'), String(port), String(processes)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (/baseline listening/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the baseline server exited with ${code}:\n${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/v2/models/baseline/infer`,
    pid: child.pid as number,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
