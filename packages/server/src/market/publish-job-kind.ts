import { siblingModule } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { JobKindHandler } from '../jobs/job-kind.js';
import type { JobRow } from '../jobs/job-store.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { MarketService } from './market-service.js';
import type { PublishSpec, PublishWorkerInput, PublishWorkerResult } from './publish-messages.js';

/** Publish jobs: the smoke test (and an uploaded model's evaluation) on a thread, then the gate's verdict. */
export class PublishJobKind implements JobKindHandler {
  readonly module = siblingModule(import.meta.url, 'publish-worker');

  constructor(
    private readonly registry: RegistryService,
    private readonly datasets: DatasetService,
    private readonly market: () => MarketService,
  ) {}

  async prepare(job: JobRow, creator: Principal): Promise<PublishWorkerInput> {
    const spec = JSON.parse(job.spec) as PublishSpec;
    const [owner, name] = spec.model.split('/') as [string, string];
    const version = await this.registry.getVersion(creator, owner, name, spec.version);
    const artifact = await this.registry.artifactPath(creator, owner, name, spec.version, version.format);
    const model = await this.registry.getModel(creator, owner, name);
    let evaluation: PublishWorkerInput['evaluation'];
    if (spec.evaluation && !version.details) {
      const data = await this.datasets.resolve(creator, spec.evaluation.dataset);
      evaluation = {
        data: { path: data.path, format: data.format, schema: data.schema, ref: data.ref },
        task: model.task,
        target: spec.evaluation.target,
        ...(spec.evaluation.features && { features: spec.evaluation.features }),
      };
    }
    return {
      format: version.format,
      artifactPath: artifact.path,
      artifactBytes: version.sizeBytes,
      signature: version.signature,
      example: version.example,
      ...(evaluation && { evaluation }),
    };
  }

  async commit(job: JobRow, creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const spec = JSON.parse(job.spec) as PublishSpec;
    const report = await this.market().commitPublish(creator, spec, output as PublishWorkerResult);
    return { model: spec.model, version: spec.version, passed: report.passed, report };
  }
}
