import { ENGINE_VERSION, searchCombinations, siblingModule } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { ExampleRequest, TrainingDetails } from '../registry/model-views.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { JobKindHandler, SubJobs } from './job-kind.js';
import type { JobRow } from './job-store.js';
import type { FoldScoresSpec, TrainingResult, TrainingSpec, TrainingWorkerInput } from './training-messages.js';

/** Rows of the training data kept as a trained version's example request. */
const EXAMPLE_ROWS = 3;

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

  /**
   * A search's combinations, or a cross-validation's folds, each scored by a sub-job on
   * whichever worker takes it; the job's own thread then picks the best and refits (or
   * fits once and reports the folds).
   */
  async fanOut(job: JobRow, _creator: Principal, input: unknown, sub: SubJobs): Promise<unknown> {
    const work = input as TrainingWorkerInput;
    const { spec } = work;
    // auto scores its candidates on its own thread, against its time budget.
    if (spec.task === 'recommendation' || spec.auto) return work;
    const parts = (mode: FoldScoresSpec['mode'], n: number): FoldScoresSpec[] =>
      Array.from({ length: n }, (_, index) => ({
        parent: job.id,
        dataset: work.data.ref,
        training: spec,
        mode,
        index,
      }));
    if (spec.search) {
      const n = searchCombinations(spec.search, spec.seed).length;
      if (n < 2) return work;
      const results = await sub.run('fold-scores', parts('search', n));
      return { ...work, trialScores: results.map((r) => r.scores as number[]) };
    }
    if (spec.kFolds > 1) {
      const results = await sub.run('fold-scores', parts('cv', spec.kFolds));
      return { ...work, foldScores: results.map((r) => (r.scores as number[])[0] as number) };
    }
    return work;
  }

  async commit(job: JobRow, creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const spec = JSON.parse(job.spec) as TrainingSpec;
    const r = output as TrainingResult;
    const data = await this.datasets.resolve(creator, spec.dataset);
    const details: TrainingDetails = {
      task: spec.task,
      algorithm: r.algorithm ?? spec.algorithm,
      params: r.params ?? spec.params ?? {},
      target: spec.target,
      features: r.features,
      classes: r.classes,
      metrics: r.metrics,
      ...(r.crossValidation && { crossValidation: r.crossValidation }),
      ...(r.curve?.length && { curve: r.curve }),
      ...(r.diagnostics && { diagnostics: r.diagnostics }),
      ...(r.search && { search: r.search }),
      ...(r.selection && { selection: r.selection }),
      ...(r.auto && { auto: r.auto }),
      ...(r.textChoice && { textChoice: r.textChoice }),
      ...(spec.classWeight !== undefined && { classWeight: spec.classWeight }),
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
      await this.exampleOf(creator, spec, data.ref, r.features),
    );
    return {
      model: view.model,
      version: view.version,
      metrics: r.metrics,
      crossValidation: r.crossValidation ?? null,
      curve: r.curve ?? [],
      ...(r.search && { search: r.search }),
      ...(r.auto && { algorithm: r.algorithm, auto: r.auto }),
    };
  }

  /** The first training rows as the version's example request (a user to recommend for, for recommenders). */
  private async exampleOf(
    creator: Principal,
    spec: TrainingSpec,
    ref: string,
    features: string[],
  ): Promise<ExampleRequest | undefined> {
    const [dataset, version] = ref.split('@') as [string, string];
    const [owner, name] = dataset.split('/') as [string, string];
    const { rows } = await this.datasets.preview(creator, owner, name, Number(version), EXAMPLE_ROWS);
    if (rows.length === 0) return undefined;
    if (spec.task === 'recommendation') {
      const user = spec.columns ? rows[0]?.[spec.columns.user] : undefined;
      return user === undefined || user === null
        ? undefined
        : { source: 'training-data', recommend: { user: String(user), k: 10 } };
    }
    const instances = rows.map((row) => Object.fromEntries(features.map((f) => [f, row[f] ?? null])));
    return { source: 'training-data', instances };
  }
}
