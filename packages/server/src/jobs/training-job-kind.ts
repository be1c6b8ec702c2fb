import { ENGINE_VERSION, siblingModule } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { TrainingDetails } from '../registry/model-views.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { JobKindHandler } from './job-kind.js';
import type { JobRow } from './job-store.js';
import type { TrainingResult, TrainingSpec, TrainingWorkerInput } from './training-messages.js';

/** Training (and hyper-parameter search) jobs: a dataset version in, a model version out. */
export class TrainingJobKind implements JobKindHandler {
  readonly module = siblingModule(import.meta.url, 'training-worker');

  constructor(
    private readonly datasets: DatasetService,
    private readonly registry: RegistryService,
  ) {}

  async prepare(job: JobRow, creator: Principal): Promise<TrainingWorkerInput> {
    const spec = JSON.parse(job.spec) as TrainingSpec;
    const data = await this.datasets.resolve(creator, spec.dataset);
    return { spec, data: { path: data.path, format: data.format, schema: data.schema, ref: data.ref } };
  }

  async commit(job: JobRow, creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const spec = JSON.parse(job.spec) as TrainingSpec;
    const r = output as TrainingResult;
    const data = await this.datasets.resolve(creator, spec.dataset);
    const details: TrainingDetails = {
      task: spec.task,
      algorithm: spec.algorithm,
      params: r.params ?? spec.params ?? {},
      target: spec.target,
      features: r.features,
      classes: r.classes,
      metrics: r.metrics,
      ...(r.crossValidation && { crossValidation: r.crossValidation }),
      ...(r.search && { search: r.search }),
      lineage: {
        dataset: data.ref,
        datasetSha256: data.sha256,
        seed: spec.seed,
        testFraction: spec.testFraction,
        engineVersion: ENGINE_VERSION,
        job: job.id,
      },
      nTrain: r.nTrain,
      nTest: r.nTest,
      fitSeconds: r.fitSeconds,
    };
    const view = await this.registry.createTrainedVersion(
      creator,
      spec.model,
      spec.task,
      { onnx: r.onnx, native: r.artifact, nativeSignature: r.nativeSignature },
      details,
    );
    return {
      model: view.model,
      version: view.version,
      metrics: r.metrics,
      crossValidation: r.crossValidation ?? null,
      ...(r.search && { search: r.search }),
    };
  }
}
