import fs from 'node:fs';
import type { OipTensor } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';

/** The shape of a nested JSON array: [[1,2],[3,4]] → [2, 2]. */
function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

export const predict: Command = {
  name: 'predict',
  summary:
    'Run a model and print the answer as JSON. --records: records by column name for a trained model (POST /predict), e.g. [{"age": 31, "genre": "drama"}]. Otherwise over the Open Inference Protocol: a whole OIP request (--request, --file, or standard input with --file -), or just --data: a nested JSON array for a model with one input, whose name, datatype and shape come from the model.',
  usage: 'predict OWNER/NAME [--version N] (--records JSON | --data JSON | --request JSON | --file FILE|-)',
  options: {
    version: opt('string', 'a version number or alias (default: champion, else the latest)'),
    records: opt('string', 'records by column name as a JSON array (trained models)'),
    data: opt('string', 'input values as a nested JSON array, e.g. [[1,2,3,4]]'),
    request: opt('string', 'a whole OIP inference request as JSON'),
    file: opt('string', 'read the OIP request from a file, or - for standard input'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const model = positionals[0];
    if (!model) throw new UsageError('give the model, owner/name');
    const client = clientFrom(values);
    const version = values.version as string | undefined;
    if (values.records !== undefined) {
      const records = JSON.parse(values.records as string) as unknown;
      if (!Array.isArray(records)) throw new UsageError('--records must be a JSON array of objects');
      console.log(
        JSON.stringify(await client.predict(model, records as Array<Record<string, unknown>>, version), null, 2),
      );
      return 0;
    }
    let inputs: OipTensor[];
    let outputs: string[] | undefined;
    let id: string | undefined;
    if (values.data !== undefined) {
      const data = JSON.parse(values.data as string) as unknown;
      const meta = await client.oip.modelMetadata(model, version);
      if (meta.inputs.length !== 1) {
        throw new UsageError(
          `${model} has ${meta.inputs.length} inputs; give a whole request with --request or --file`,
        );
      }
      const spec = meta.inputs[0] as NonNullable<(typeof meta.inputs)[0]>;
      let shape = shapeOf(data);
      if (shape.length === spec.shape.length - 1) shape = [1, ...shape];
      inputs = [{ name: spec.name, datatype: spec.datatype, shape, data: [data].flat(Number.POSITIVE_INFINITY) }];
    } else {
      const text =
        values.request !== undefined
          ? (values.request as string)
          : values.file !== undefined
            ? fs.readFileSync(values.file === '-' ? 0 : (values.file as string), 'utf8')
            : undefined;
      if (text === undefined) throw new UsageError('give --data, --request or --file');
      const req = JSON.parse(text) as { inputs: OipTensor[]; outputs?: Array<{ name: string }>; id?: string };
      inputs = req.inputs;
      outputs = req.outputs?.map((o) => o.name);
      id = req.id;
    }
    const res = await client.oip.infer(model, inputs, { version, outputs, id });
    console.log(JSON.stringify(res, null, 2));
    return 0;
  },
};
