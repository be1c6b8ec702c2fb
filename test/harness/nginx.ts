import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on loopback (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function nginxAvailable(): boolean {
  return spawnSync('nginx', ['-v']).status === 0;
}

export interface Nginx {
  httpPort: number;
  grpcPort: number;
  child: ChildProcess;
  errorLog: () => string;
  stop(): Promise<void>;
}

/**
 * Debian's nginx in front of API nodes, as a cluster would run it: HTTP (REST, OIP REST,
 * SSE unbuffered) and gRPC (HTTP/2) upstreams, a node that refuses connections passed
 * over for the next.
 */
export async function startNginx(upstreams: { http: number[]; grpc: number[] }): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-nginx-'));
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const servers = (ports: number[]) =>
    ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `  ${t}_temp_path ${path.join(dir, t)};`)
    .join('\n');
  const conf = `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
error_log ${path.join(dir, 'error.log')} warn;
pid ${path.join(dir, 'nginx.pid')};
events { worker_connections 1024; }
http {
  access_log off;
${temp}
  client_max_body_size 0;
  upstream marquee_http {
${servers(upstreams.http)}
    keepalive 32;
  }
  upstream marquee_grpc {
${servers(upstreams.grpc)}
  }
  server {
    listen 127.0.0.1:${httpPort};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_buffering off;
    proxy_read_timeout 3600s;
    location / {
      proxy_pass http://marquee_http;
      proxy_next_upstream error timeout http_502;
    }
    # Inference changes nothing: a request cut off by a dying node is sent to the next one.
    location /v2/ {
      proxy_pass http://marquee_http;
      proxy_next_upstream error timeout http_502 non_idempotent;
    }
  }
  server {
    listen 127.0.0.1:${grpcPort} http2;
    location / {
      grpc_pass grpc://marquee_grpc;
      grpc_next_upstream error timeout non_idempotent;
    }
  }
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const errorLog = () =>
    fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
  const end = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(httpPort, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > end) throw new Error(`nginx did not start: ${errorLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    httpPort,
    grpcPort,
    child,
    errorLog,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        await new Promise((r) => child.once('exit', r));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
