import type { Principal } from '../auth/scopes.js';
import type { ModelView, VersionView } from '../registry/model-views.js';
import type { RegistryService } from '../registry/registry-service.js';
import { draftCard } from './draft-card.js';
import type { MarketStore } from './market-store.js';
import { type CardMetadata, licenseId, parseCard, renderCardHtml } from './model-card.js';

export interface CardView {
  model: string;
  markdown: string;
  metadata: CardMetadata;
  /** The body rendered safely (raw HTML shown as text; no script links). */
  html: string;
  /** True while the card is the platform's draft (it follows new versions until someone edits it). */
  generated: boolean;
  updatedAt: string | null;
}

/**
 * Model cards: Markdown with a YAML front matter, written by the owner or drafted by the
 * platform for each new version until the owner writes their own. A card's licence,
 * task and tags become the model's.
 */
export class CardService {
  constructor(
    private readonly store: MarketStore,
    private readonly registry: RegistryService,
  ) {}

  async get(caller: Principal | undefined, owner: string, name: string): Promise<CardView> {
    const model = await this.registry.modelRef(caller, owner, name, 'read');
    const row = await this.store.card(model.id);
    const markdown = row?.markdown ?? (await this.draftFor(caller, model)) ?? '';
    const parsed = parseCard(markdown);
    return {
      model: model.fullName,
      markdown,
      metadata: parsed.metadata,
      html: renderCardHtml(parsed.body),
      generated: !row || row.generated === 1,
      updatedAt: row?.updated_at ?? null,
    };
  }

  async put(caller: Principal, owner: string, name: string, markdown: string): Promise<CardView> {
    const model = await this.registry.modelRef(caller, owner, name, 'write');
    const { metadata } = parseCard(markdown);
    await this.store.putCard(model.id, markdown, false, caller.userId);
    const patch = {
      ...(metadata.license && { license: metadata.license }),
      ...(metadata.task && { task: metadata.task }),
      ...(metadata.tags && { tags: metadata.tags.slice(0, 20) }),
    };
    if (Object.keys(patch).length) await this.registry.updateModel(caller, owner, name, patch);
    return this.get(caller, owner, name);
  }

  /** The parsed card of a model by id, for the quality gate (null when it has none). */
  async stored(modelId: number): Promise<ReturnType<typeof parseCard> | null> {
    const row = await this.store.card(modelId);
    return row ? parseCard(row.markdown) : null;
  }

  /** A fork starts with its source's card, as it stood. */
  async forked(source: { id: number }, fork: { id: number }, caller: Principal): Promise<void> {
    const card = await this.store.card(source.id);
    if (card) await this.store.putCard(fork.id, card.markdown, card.generated === 1, caller.userId);
  }

  /** A new version: a model with no card, or with the platform's draft, gets a fresh draft. */
  async versionCreated(model: ModelView & { id: number }, version: VersionView, creator: Principal): Promise<void> {
    const row = await this.store.card(model.id);
    if (row && row.generated !== 1) return;
    await this.store.putCard(model.id, draftCard(model, version, licenseId(model.license)), true, creator.userId);
  }

  private async draftFor(caller: Principal | undefined, model: ModelView): Promise<string | undefined> {
    if (model.latestVersion === null) return undefined;
    const version = await this.registry.getVersion(caller, model.owner, model.name, model.latestVersion);
    return draftCard(model, version, licenseId(model.license));
  }
}
