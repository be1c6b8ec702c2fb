/**
 * Target (a): a bare node:http server doing what any OIP JSON endpoint must do on the
 * wire (read the body, JSON.parse it, check the shape) and answering a fixed reply. No
 * framework, no auth, no model: the ceiling for this machine.
 *   node --import tsx bench/serve/baseline-server.ts PORT [PROCESSES]
 * PROCESSES > 1 shares the port among node:cluster workers, as `marquee serve --workers`
 * does, so that bench:workers can show what a second process gives Node itself.
 */
import cluster from 'node:cluster';
import http from 'node:http';
import v8 from 'node:v8';

// The same V8 setting Marquee's serving processes make (packages/server/src/processes/
// serving-heap.ts): without it a fresh process now and then pretenures its requests'
// objects and serves a third slower for its whole life, which would lower the ceiling.
v8.setFlagsFromString('--no-allocation-site-pretenuring');

const port = Number(process.argv[2] ?? 9000);
const processes = Number(process.argv[3] ?? 1);
const replies = new Map<number, Buffer>();
const replyFor = (n: number) => {
  let b = replies.get(n);
  if (!b) {
    b = Buffer.from(
      JSON.stringify({
        model_name: 'baseline',
        model_version: '1',
        outputs: [{ name: 'label', shape: [n], datatype: 'INT64', data: new Array(n).fill(0) }],
      }),
    );
    replies.set(n, b);
  }
  return b;
};

function listen(onListening: () => void): void {
  http
    .createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          const inp = body.inputs[0];
          const n = inp.shape[0];
          if (!Number.isInteger(n) || inp.shape[1] * n !== inp.data.length) throw new Error('shape/data mismatch');
          const out = replyFor(n);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
          res.end(out);
        } catch (err) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(err) }));
        }
      });
    })
    .listen(port, '127.0.0.1', onListening);
}

if (processes > 1 && cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < processes; i++)
    cluster.fork().once('listening', () => {
      if (++listening === processes) console.log(`baseline listening on ${port} (${processes} processes)`);
    });
  process.once('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  listen(() => {
    if (cluster.isPrimary) console.log(`baseline listening on ${port}`);
  });
}
