// Rule versioning: publish (validate → compile → store an immutable numbered version, with
// optimistic concurrency), rollback (an older source published again as a new version), diff, and
// the current compiled RuleSet that the push hub and GET /v1/rules serve. Listeners hear of every
// new version exactly once per process, whether it was published here or on another replica
// (adopt(), called by the PostgreSQL listener).
import type { SqlClient } from '../store/sql-client.ts';
import type { Actor, AuditLog } from '../audit/audit-log.ts';
import { Errors, PalisadeError } from '../errors/catalogue.ts';
import type { RuleSource } from '../../proto/gen/palisade/v1/RuleSource.ts';
import {
  compileBody,
  compiledFromBytes,
  DetectorCompileError,
  EMPTY_DETECTION_ENGINE,
  ruleSetJson,
  stampRuleSet,
  withoutDetectorTables,
  type CompiledRuleSet,
  type DetectionEngine,
} from './compile-rule-set.ts';
import { RuleVersionStore, type RuleVersionRecord } from './rule-version-store.ts';
import { validateRuleSource } from './validate-rule-source.ts';
import { diffSources, type DiffEntry } from './source-diff.ts';
import { EMPTY_RELEASES, type ReleaseSet } from './value-releases.ts';

export interface PublishInput {
  source: unknown;
  comment?: string;
  /** 0 or absent = don't check. */
  expectedVersion?: number;
}

/**
 * The current version in the forms it is served in, computed once per version and release list.
 * `bytes`, `lean` and `json` carry the value releases (fields 11-12); `compiled` is the version as
 * published, without them.
 */
export interface CurrentRules {
  version: number;
  compiled: CompiledRuleSet;
  /** The RuleSet as sent whole: the version's bytes followed by the release fields. */
  bytes: Buffer;
  /** The RuleSet without its detector tables (detectors_omitted), for watchers holding them. */
  lean: Buffer | null;
  /** RuleSet.releases_digest ('' when nothing is released). */
  releasesDigest: string;
  /** Entity tag of GET /v1/rules: changes with the version and with the release list. */
  etag: string;
  /** Canonical proto JSON text of the RuleSet (GET /v1/rules body), made on first use. */
  readonly json: string;
}

export interface RulesServiceOptions {
  sql: SqlClient;
  audit: AuditLog;
  engine?: DetectionEngine;
  /** PostgreSQL NOTIFY channel told of every publish (payload: the version); none on SQLite. */
  notifyChannel?: string;
  now?: () => number;
}

const PUBLISH_RETRIES = 5;

export class RulesService {
  readonly versions: RuleVersionStore;
  private readonly engine: DetectionEngine;
  private readonly listeners = new Set<(c: CurrentRules) => void>();
  private currentRules: CurrentRules;
  private releaseSet: ReleaseSet = EMPTY_RELEASES;
  private readonly now: () => number;

  constructor(private readonly opts: RulesServiceOptions) {
    this.versions = new RuleVersionStore(opts.sql);
    this.engine = opts.engine ?? EMPTY_DETECTION_ENGINE;
    this.now = opts.now ?? Date.now;
    this.currentRules = this.wrap(stampRuleSet(compileBody({}, this.engine), { version: 0, publishedAtMs: 0, comment: 'built-in rules' }));
  }

  /** Loads the latest published version (call once before serving). */
  async init(): Promise<void> {
    await this.refresh();
  }

  current(): CurrentRules {
    return this.currentRules;
  }

  /** The value releases served with the rules (value-releases.ts). */
  get releases(): ReleaseSet {
    return this.releaseSet;
  }

  /**
   * Serves `releases` with the version in force from now on; listeners hear of the change (same
   * version, new releasesDigest) so gateways get it without a new rule version.
   */
  setReleases(releases: ReleaseSet): void {
    if (releases.digest === this.releaseSet.digest) return;
    this.releaseSet = releases;
    this.currentRules = this.wrap(this.currentRules.compiled);
    for (const l of this.listeners) l(this.currentRules);
  }

  /** Called for every new version adopted by this process. Returns an unsubscribe function. */
  onVersion(listener: (c: CurrentRules) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  validate(source: unknown) {
    return validateRuleSource(source, {
      builtInDetectorIds: this.engine.builtInIds,
      validateDetector: this.engine.validateDetector?.bind(this.engine),
    });
  }

  async publish(actor: Actor, input: PublishInput): Promise<RuleVersionRecord> {
    const result = this.validate(input.source);
    if (!result.ok) throw new PalisadeError(Errors.RulesInvalid, `${result.errors.length} problem(s) in the rule source`, result.errors);
    return this.commit(actor, result.source, input.comment ?? '', input.expectedVersion ?? 0, 0, 'rules.publish');
  }

  async rollback(actor: Actor, input: { toVersion: number; comment?: string }): Promise<RuleVersionRecord> {
    const old = await this.versions.get(input.toVersion);
    if (!old) throw new PalisadeError(Errors.RulesVersionNotFound, `version ${input.toVersion} was never published`);
    return this.commit(actor, old.source, input.comment || `rollback to version ${old.version}`, 0, old.version, 'rules.rollback');
  }

  async diff(from: number, to: number): Promise<{ from: number; to: number; changes: DiffEntry[] }> {
    const [a, b] = await Promise.all([this.sourceOf(from), this.sourceOf(to)]);
    return { from, to, changes: diffSources(a, b) };
  }

  private async sourceOf(version: number): Promise<RuleSource> {
    if (version === 0) return {};
    const v = await this.versions.get(version);
    if (!v) throw new PalisadeError(Errors.RulesVersionNotFound, `version ${version} was never published`);
    return v.source;
  }

  private async commit(
    actor: Actor,
    source: RuleSource,
    comment: string,
    expected: number,
    rolledBackFrom: number,
    action: 'rules.publish' | 'rules.rollback',
  ): Promise<RuleVersionRecord> {
    let body;
    try {
      body = compileBody(source, this.engine);
    } catch (e) {
      if (e instanceof DetectorCompileError) {
        throw new PalisadeError(Errors.RulesInvalid, 'a detector pattern cannot be compiled', [
          { path: `$.detectors[${e.index}].pattern`, message: e.message },
        ]);
      }
      throw e;
    }
    for (let attempt = 1; ; attempt++) {
      const publishedAtMs = this.now();
      try {
        const record = await this.opts.sql.transaction(async (tx) => {
          const latest = await this.versions.latestVersion(tx);
          if (expected && expected !== latest) {
            throw new PalisadeError(Errors.RulesConflict, `expected version ${expected} but the current version is ${latest}`);
          }
          const version = latest + 1;
          const compiled = stampRuleSet(body, { version, publishedAtMs, comment });
          const rec = {
            version,
            publishedAtMs,
            publishedBy: actor.name,
            comment,
            source,
            rolledBackFrom,
            digest: compiled.digest,
            compiled: compiled.bytes,
          };
          await this.versions.insert(tx, rec);
          await this.opts.audit.record(
            tx,
            actor,
            action,
            `rules/${version}`,
            { comment, digest: compiled.digest, rolledBackFrom },
            publishedAtMs,
          );
          if (this.opts.notifyChannel) await tx.query('SELECT pg_notify(?, ?)', [this.opts.notifyChannel, String(version)]);
          return { rec, compiled };
        });
        this.adopt(record.compiled);
        const { compiled: _bytes, ...summary } = record.rec;
        return summary;
      } catch (e) {
        // Two replicas computed the same next version: the loser retries, unless the caller
        // asked for a specific base version, which is now stale.
        if (isUniqueViolation(e) && attempt < PUBLISH_RETRIES) {
          if (expected) throw new PalisadeError(Errors.RulesConflict, `version ${expected} is no longer the current version`);
          continue;
        }
        throw e;
      }
    }
  }

  /** Loads the newest stored version and adopts it when newer than the current one. */
  async refresh(): Promise<void> {
    const latest = await this.versions.latest();
    if (latest && latest.version > this.currentRules.version) this.adopt(compiledFromBytes(latest.compiled));
  }

  private wrap(compiled: CompiledRuleSet): CurrentRules {
    // The JSON form (tens of ms for the detector tables) is made on the first GET /v1/rules, not
    // between a publish and its push.
    let json: string | undefined;
    const releases = this.releaseSet;
    const lean = withoutDetectorTables(compiled);
    const withReleases = (b: Buffer) => (releases.bytes.length ? Buffer.concat([b, releases.bytes]) : b);
    return {
      version: Number(compiled.ruleSet.version),
      compiled,
      bytes: withReleases(compiled.bytes),
      lean: lean && withReleases(lean),
      releasesDigest: releases.digest,
      etag: releases.digest ? `"${compiled.digest}.${releases.digest.slice(0, 16)}"` : `"${compiled.digest}"`,
      get json() {
        return (json ??= JSON.stringify(
          releases.digest
            ? { ...ruleSetJson(compiled), valueReleases: releases.json, releasesDigest: releases.digest }
            : ruleSetJson(compiled),
        ));
      },
    };
  }

  private adopt(compiled: CompiledRuleSet): void {
    const version = Number(compiled.ruleSet.version);
    if (version <= this.currentRules.version) return;
    this.currentRules = this.wrap(compiled);
    for (const l of this.listeners) l(this.currentRules);
  }
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
