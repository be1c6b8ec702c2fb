/**
 * Target (a): a bare node:http server doing what any OIP JSON endpoint must do on the
 * wire (read the body, JSON.parse it, check the shape) and answering a fixed reply. No
 * framework, no auth, no model: the ceiling for this machine.
 *   node --import tsx bench/serve/baseline-server.ts PORT
 */
import http from 'node:http';
import v8 from 'node:v8';

// The same V8 setting Marquee's serving processes make (packages/server/src/processes/
// serving-heap.ts): without it a fresh process now and then pretenures its requests'
// objects and serves a third slower for its whole life, which would lower the ceiling.
v8.setFlagsFromString('--no-allocation-site-pretenuring');

const port = Number(process.argv[2] ?? 9000);
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
  .listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`));
