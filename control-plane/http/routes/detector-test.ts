// POST /v1/detectors/test: the rules editor's "test this pattern" box. Compiles one custom
// detector and runs it on a sample through the built filter's scanner; an invalid detector is a
// result (ok: false with the errors), not a failed request, because the box tests as you type.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { standaloneSchema } from '../../rules/proto-json-schema.ts';
import { toDetectorInput } from '../../rules/detection-engine.ts';
import { ScannerUnavailableError, testDetector } from '../../insights/detector-tester.ts';
import { Errors, PalisadeError } from '../../errors/catalogue.ts';
import type { DetectorSource } from '../../../proto/gen/palisade/v1/DetectorSource.ts';

/** Samples are pasted text: 64 KiB is plenty and keeps a scan well under a millisecond. */
const MAX_SAMPLE = 64 * 1024;

const DETECTOR = standaloneSchema('DetectorSource') as { $ref: string; $defs: Record<string, unknown> };

export default function detectorTestRoutes(app: FastifyInstance, _deps: HttpDeps): void {
  app.post(
    '/v1/detectors/test',
    {
      config: {
        auth: ['operator'],
        docs: {
          description: 'Matches of the detector in the sample (offsets and masked text), or why the detector is refused.',
          schema: {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              scanner: { type: 'string' },
              matches: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    type: { type: 'string' },
                    start: { type: 'integer' },
                    end: { type: 'integer' },
                    text: { type: 'string', description: 'Masked with the detector’s mask style.' },
                    confidence: { type: 'integer' },
                    field: { type: 'string' },
                    path: { type: 'string' },
                  },
                },
              },
              errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
            },
          },
        },
      },
      schema: {
        summary: 'Test a custom detector on a sample',
        tags: ['rules'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['detector', 'sample'],
          properties: { detector: { $ref: DETECTOR.$ref }, sample: { type: 'string', maxLength: MAX_SAMPLE } },
          // References resolve from the body's root, so the message definitions live there.
          $defs: DETECTOR.$defs,
        },
      },
    },
    async (request) => {
      const { detector, sample } = request.body as { detector: DetectorSource; sample: string };
      try {
        return await testDetector(toDetectorInput(detector), sample);
      } catch (err) {
        if (err instanceof ScannerUnavailableError) throw new PalisadeError(Errors.Unavailable, err.message);
        throw err;
      }
    },
  );
}
