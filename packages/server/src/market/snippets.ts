import type { ExampleRequest, Signature } from '../registry/model-views.js';

export interface Snippets {
  model: string;
  version: number;
  /** The OIP request every snippet sends. */
  request: {
    inputs: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>;
    parameters?: Record<string, number>;
  };
  curl: string;
  typescript: string;
  python: string;
  cli: string;
}

/**
 * Ready-to-run code that calls a version with its example request over the Open
 * Inference Protocol: curl, TypeScript with @marquee/client, Python with requests, and
 * the CLI. Each reads the token from MARQUEE_TOKEN.
 */
export function snippetsFor(
  baseUrl: string,
  model: string,
  version: number,
  signature: Signature,
  example: ExampleRequest,
): Snippets {
  const request = oipRequestOf(example, signature);
  const oipName = model.replace('/', '.');
  const path = `/v2/models/${oipName}/versions/${version}/infer`;
  const body = JSON.stringify(request);
  const curl = [
    `curl -sS -X POST '${baseUrl}${path}' \\`,
    `  -H "Authorization: Bearer $MARQUEE_TOKEN" -H 'Content-Type: application/json' \\`,
    `  -d '${body.replaceAll("'", "'\\''")}'`,
  ].join('\n');
  const typescript = [
    `import { MarqueeClient } from '@marquee/client';`,
    ``,
    `const mq = new MarqueeClient({ baseUrl: '${baseUrl}', token: process.env.MARQUEE_TOKEN });`,
    `const inputs = ${JSON.stringify(request.inputs)};`,
    `const answer = await mq.oip.infer('${model}', inputs, { version: '${version}'${request.parameters ? `, parameters: ${JSON.stringify(request.parameters)}` : ''} });`,
    `console.log(JSON.stringify(answer.outputs));`,
  ].join('\n');
  const python = [
    `import json, os`,
    `import requests`,
    ``,
    `request = json.loads(${JSON.stringify(body)})`,
    `answer = requests.post(`,
    `    "${baseUrl}${path}",`,
    `    headers={"Authorization": "Bearer " + os.environ["MARQUEE_TOKEN"]},`,
    `    json=request,`,
    `    timeout=30,`,
    `)`,
    `answer.raise_for_status()`,
    `print(json.dumps(answer.json()["outputs"]))`,
  ].join('\n');
  const records = example.instances?.length ? example.instances : undefined;
  const cli = records
    ? `npx marquee predict ${model} --version ${version} --records '${JSON.stringify(records).replaceAll("'", "'\\''")}'`
    : `npx marquee predict ${model} --version ${version} --request '${body.replaceAll("'", "'\\''")}'`;
  return { model, version, request, curl, typescript, python, cli };
}

/** The example as an OIP JSON request: records become `[n, 1]` tensors per input, a user a BYTES tensor. */
export function oipRequestOf(example: ExampleRequest, signature: Signature): Snippets['request'] {
  if (example.recommend) {
    return {
      inputs: [{ name: 'user', datatype: 'BYTES', shape: [1], data: [example.recommend.user] }],
      parameters: { k: example.recommend.k },
    };
  }
  const records = example.instances;
  if (records?.length) {
    return {
      inputs: signature.inputs.map((spec) => {
        const text = spec.datatype === 'BYTES';
        const data = records.map((r) => {
          const v = r[spec.name];
          if (text) return v === null || v === undefined ? '' : String(v);
          return v === null || v === undefined || v === '' ? 0 : Number(v);
        });
        return { name: spec.name, datatype: text ? 'BYTES' : 'FP32', shape: [records.length, 1], data };
      }),
    };
  }
  return { inputs: example.inputs ?? [] };
}
