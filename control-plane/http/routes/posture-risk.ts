// /v1/risk: the risk model — built-in factors (weights adjustable) and custom categories and factors
// (a condition over endpoint attributes + a weight). Every change is a new version, applied at once:
// scores are recomputed before the call answers.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { idParams } from '../api-schemas.ts';
import { PalisadeError } from '../../errors/catalogue.ts';
import { PostureErrors, toProblem } from '../../posture/posture-errors.ts';
import { actorName, auditEntry, postureOf, RISK_FACTOR_PROPERTIES } from '../../posture/posture-api.ts';
import { BUILTIN_FACTORS } from '../../posture/risk-factors.ts';
import { RiskModelError, type RiskModel, type RiskModelChange } from '../../posture/risk-model.ts';
import { ATTRIBUTE_KINDS } from '../../posture/endpoint-attributes.ts';

const BUILTIN_IDS = new Set(BUILTIN_FACTORS.map((f) => f.id));
const ID = { type: 'string', minLength: 1, maxLength: 64 };
const CONDITION = {
  description: `A condition over endpoint attributes (${Object.keys(ATTRIBUTE_KINDS).join(', ')}): {"attr","op","value"} or {"all"|"any": [...]} or {"not": ...}; a JSON string of one is accepted too.`,
};
const FACTOR_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'weight'],
  properties: {
    id: ID,
    name: { type: 'string', maxLength: 200 },
    category: { type: 'string', maxLength: 64 },
    weight: { type: 'number', minimum: 0, maximum: 100 },
    condition: CONDITION,
    description: { type: 'string', maxLength: 2000 },
    builtIn: { type: 'boolean', description: 'Ignored: built-in factors are known by id.' },
  },
};
const FACTOR = {
  type: 'object',
  properties: {
    ...RISK_FACTOR_PROPERTIES,
    condition: CONDITION,
    description: { type: 'string' },
    builtIn: { type: 'boolean' },
  },
};
const FACTOR_LIST = {
  type: 'object',
  properties: {
    items: { type: 'array', items: FACTOR },
    version: { type: 'integer' },
    expectedCountries: { type: 'array', items: { type: 'string' } },
    thresholds: { type: 'array', items: { type: 'number' } },
    nextCursor: { type: 'string' },
  },
};

function factorsJson(model: RiskModel): Record<string, unknown> {
  return {
    items: [
      ...BUILTIN_FACTORS.map((f) => ({
        id: f.id,
        name: f.name,
        category: f.category,
        weight: model.weights[f.id] ?? f.weight,
        builtIn: true,
      })),
      ...model.custom.map((f) => ({ ...f, builtIn: false })),
    ],
    version: model.version,
    expectedCountries: model.expectedCountries,
    thresholds: model.thresholds,
    nextCursor: '',
  };
}

/** The dashboard edits a condition as text: a JSON string is read as the condition it spells. */
function conditionOf(raw: unknown, path: string): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new RiskModelError(path, 'is a string that is not a JSON condition');
  }
}

/** A posted factor as a model change: a weight for a built-in, an upsert for a custom one. */
function changeFor(f: Record<string, unknown>, path = 'factor'): RiskModelChange {
  const id = f.id as string;
  if (BUILTIN_IDS.has(id)) return { op: 'set-weight', id, weight: f.weight as number };
  const { builtIn: _ignored, ...rest } = f;
  return { op: 'upsert-factor', factor: { ...rest, condition: conditionOf(f.condition, `${path}.condition`) } as never };
}

export default function postureRiskRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    '/v1/risk/factors',
    {
      config: { auth: ['viewer'], docs: { description: 'Built-in and custom factors of the model in force.', schema: FACTOR_LIST } },
      schema: { summary: 'Risk factors', tags: ['risk'] },
    },
    async () => factorsJson(await (await postureOf(deps)).repo.currentRiskModel()),
  );

  app.post(
    '/v1/risk/factors',
    {
      config: {
        auth: ['operator'],
        docs: {
          description: 'The factor as saved, with the new model version.',
          schema: { ...FACTOR, properties: { ...FACTOR.properties, version: { type: 'integer' } } },
        },
      },
      schema: {
        summary: 'Add or change one risk factor',
        description: 'A custom factor needs id, category, name, weight and condition; for a built-in factor only its weight changes.',
        tags: ['risk'],
        body: FACTOR_BODY,
      },
    },
    async (request) => {
      const body = request.body as Record<string, unknown>;
      const posture = await postureOf(deps);
      const entry = auditEntry<RiskModel>(deps, request, 'risk.change', (m) => ({
        target: `risk/models/${m.version}`,
        details: { op: 'upsert', factor: body.id },
      }));
      const { model } = await (async () => posture.changeRiskModel(changeFor(body), actorName(request), undefined, entry))().catch(
        toProblem,
      );
      const factor = (factorsJson(model).items as { id: string }[]).find((f) => f.id === body.id);
      return { ...factor, version: model.version };
    },
  );

  app.put(
    '/v1/risk/factors',
    {
      config: { auth: ['operator'], docs: { description: 'The whole model in force after the change.', schema: FACTOR_LIST } },
      schema: {
        summary: 'Replace the custom risk factors (and optionally weights, expected countries, thresholds)',
        description: 'One new version: custom factors not listed are removed. expectedVersion guards against concurrent editors.',
        tags: ['risk'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['custom'],
          properties: {
            custom: { type: 'array', maxItems: 200, items: FACTOR_BODY },
            weights: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 100 } },
            expectedCountries: { type: 'array', maxItems: 250, items: { type: 'string' } },
            thresholds: { type: 'array', maxItems: 10, items: { type: 'number' } },
            expectedVersion: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request) => {
      const b = request.body as {
        custom: Record<string, unknown>[];
        weights?: Record<string, number>;
        expectedCountries?: string[];
        thresholds?: number[];
        expectedVersion?: number;
      };
      const posture = await postureOf(deps);
      const current = await posture.repo.currentRiskModel();
      const keep = new Set(b.custom.map((f) => f.id));
      const changes = (): RiskModelChange[] => [
        ...current.custom.filter((f) => !keep.has(f.id)).map((f): RiskModelChange => ({ op: 'remove-factor', id: f.id })),
        ...b.custom.map((f, i) => {
          if (BUILTIN_IDS.has(f.id as string))
            throw new RiskModelError(`custom[${i}].id`, `"${String(f.id)}" is a built-in factor; set its weight in weights`);
          return changeFor(f, `custom[${i}]`);
        }),
        ...Object.entries(b.weights ?? {}).map(([id, weight]): RiskModelChange => ({ op: 'set-weight', id, weight })),
        ...(b.expectedCountries ? [{ op: 'set-expected-countries', countries: b.expectedCountries } as RiskModelChange] : []),
        ...(b.thresholds ? [{ op: 'set-thresholds', thresholds: b.thresholds } as RiskModelChange] : []),
      ];
      const entry = auditEntry<RiskModel>(deps, request, 'risk.change', (m) => ({
        target: `risk/models/${m.version}`,
        details: { op: 'replace', custom: b.custom.map((f) => f.id) },
      }));
      const { model } = await (async () =>
        posture.changeRiskModel(changes(), actorName(request), b.expectedVersion ?? current.version, entry))().catch(toProblem);
      return factorsJson(model);
    },
  );

  app.delete(
    '/v1/risk/factors/:id',
    {
      config: {
        auth: ['operator'],
        docs: { description: 'The new model version.', schema: { type: 'object', properties: { version: { type: 'integer' } } } },
      },
      schema: {
        summary: 'Remove a custom risk factor',
        description: 'Built-in factors stay; set their weight to 0 to switch one off.',
        tags: ['risk'],
        params: idParams('id', ID),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const posture = await postureOf(deps);
      if (!(await posture.repo.currentRiskModel()).custom.some((f) => f.id === id))
        throw new PalisadeError(
          PostureErrors.PostureNotFound,
          BUILTIN_IDS.has(id) ? `'${id}' is built in; set its weight to 0 instead` : `no custom risk factor '${id}'`,
        );
      const entry = auditEntry<RiskModel>(deps, request, 'risk.change', (m) => ({
        target: `risk/models/${m.version}`,
        details: { op: 'remove', factor: id },
      }));
      const { model } = await posture.changeRiskModel({ op: 'remove-factor', id }, actorName(request), undefined, entry).catch(toProblem);
      return { version: model.version };
    },
  );

  app.get(
    '/v1/risk/versions',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description: 'Every version of the risk model, newest first (at most 100).',
          schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } },
        },
      },
      schema: { summary: 'Risk model versions', tags: ['risk'] },
    },
    async () => {
      const versions = await (await postureOf(deps)).repo.riskModelVersions();
      return {
        items: versions.map((v) => ({ version: v.version, createdMs: v.createdMs, actor: v.actor, model: v.model })),
        nextCursor: '',
      };
    },
  );
}
