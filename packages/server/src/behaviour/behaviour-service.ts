import type { AuthService } from '../auth/auth-service.js';
import { canCreateFor } from '../auth/resource-access.js';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import type { JobService, JobView } from '../jobs/job-service.js';
import type { EventColumns } from './behaviour-features-sql.js';
import type { FeatureJobSpec, SegmentJobSpec } from './behaviour-messages.js';

const REF = /^([a-z0-9][a-z0-9-]{1,38})\/([a-z0-9][a-z0-9_-]{0,63})$/;

/**
 * User-behaviour analysis as jobs: per-user features from an event log (DuckDB SQL), and
 * segments of users over those features. Requests are checked before they are queued.
 */
export class BehaviourService {
  constructor(
    private readonly jobs: JobService,
    private readonly datasets: DatasetService,
    private readonly auth: AuthService,
  ) {}

  async submitFeatures(
    caller: Principal,
    req: { dataset: string; output: string; columns?: Partial<EventColumns>; asOf?: string; churnCutoff?: string },
  ): Promise<JobView> {
    const data = await this.datasets.resolve(caller, req.dataset);
    const names = new Set(data.schema.columns.map((c) => c.name));
    const columns: EventColumns = {
      user: req.columns?.user ?? 'user',
      item: req.columns?.item ?? 'item',
      event: req.columns?.event ?? 'event',
      timestamp: req.columns?.timestamp ?? 'timestamp',
      ...((req.columns?.value ?? (names.has('value') ? 'value' : undefined)) && {
        value: req.columns?.value ?? 'value',
      }),
    };
    for (const [role, name] of Object.entries(columns)) {
      if (!names.has(name as string)) {
        throw new Invalid(
          `dataset ${data.ref} has no ${role} column "${name}": name it in columns.${role} (columns: ${[...names].join(', ')})`,
        );
      }
    }
    for (const [field, value] of [
      ['asOf', req.asOf],
      ['churnCutoff', req.churnCutoff],
    ] as const) {
      if (value !== undefined && Number.isNaN(Date.parse(value)))
        throw new Invalid(`${field} must be a date, e.g. 2026-06-30`);
    }
    await this.checkOutput(caller, req.output);
    const spec: FeatureJobSpec = {
      kind: 'features',
      dataset: data.ref,
      output: req.output,
      columns,
      ...(req.asOf && { asOf: req.asOf }),
      ...(req.churnCutoff && { churnCutoff: req.churnCutoff }),
    };
    return this.jobs.submit(caller, 'behaviour', spec);
  }

  async submitSegments(
    caller: Principal,
    req: {
      dataset: string;
      output: string;
      userColumn?: string;
      features?: string[];
      k?: [number, number];
      seed?: number;
      minSegmentShare?: number;
      events?: { dataset: string; user?: string; item?: string };
    },
  ): Promise<JobView> {
    const data = await this.datasets.resolve(caller, req.dataset);
    const columns = new Map(data.schema.columns.map((c) => [c.name, c]));
    const userColumn = req.userColumn ?? 'user_id';
    if (!columns.has(userColumn))
      throw new Invalid(`dataset ${data.ref} has no user column "${userColumn}" (userColumn)`);
    const features =
      req.features ??
      [...columns.values()]
        .filter((c) => c.kind === 'numeric' && c.name !== userColumn && c.name !== 'churned')
        .map((c) => c.name);
    for (const f of features) {
      if (columns.get(f)?.kind !== 'numeric') throw new Invalid(`"${f}" is not a numeric column of ${data.ref}`);
    }
    if (features.length === 0) throw new Invalid(`dataset ${data.ref} has no numeric features to segment on`);
    const k = req.k ?? [2, 8];
    if (!(Number.isInteger(k[0]) && Number.isInteger(k[1]) && k[0] >= 2 && k[1] >= k[0] && k[1] <= 30)) {
      throw new Invalid('k must be [min, max] with 2 ≤ min ≤ max ≤ 30');
    }
    const minShare = req.minSegmentShare ?? 0.05;
    if (!(minShare >= 0 && minShare < 1 / k[0]))
      throw new Invalid(`minSegmentShare must be at least 0 and below 1/${k[0]} (k can be as small as ${k[0]})`);
    let events: SegmentJobSpec['events'];
    if (req.events) {
      const ev = await this.datasets.resolve(caller, req.events.dataset);
      const evCols = new Set(ev.schema.columns.map((c) => c.name));
      events = { dataset: ev.ref, user: req.events.user ?? 'user', item: req.events.item ?? 'item' };
      for (const c of [events.user, events.item])
        if (!evCols.has(c)) throw new Invalid(`dataset ${ev.ref} has no column "${c}"`);
    }
    await this.checkOutput(caller, req.output);
    const spec: SegmentJobSpec = {
      kind: 'segments',
      dataset: data.ref,
      output: req.output,
      userColumn,
      features,
      kRange: k,
      seed: req.seed ?? 0,
      minSegmentShare: minShare,
      ...(events && { events }),
    };
    return this.jobs.submit(caller, 'behaviour', spec);
  }

  /** The output dataset exists and is writable, or the caller may create it under that owner. */
  private async checkOutput(caller: Principal, output: string): Promise<void> {
    const m = REF.exec(output);
    if (!m) throw new Invalid(`output must be "owner/name", not "${output}"`);
    try {
      await this.datasets.assertWritable(caller, output);
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      const ownerId = await this.auth.ownerId(m[1] as string);
      if (ownerId === undefined) throw new NotFound(`no owner "${m[1]}"`);
      if (!canCreateFor(caller, ownerId)) throw new Forbidden(`you cannot create datasets for "${m[1]}"`);
    }
  }
}
