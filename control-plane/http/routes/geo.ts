// /v1/geo: country, city and ASN/organisation of client addresses — what the flow graph shows on its
// client nodes. Private and configured internal ranges answer `internal` without a lookup.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { geoOf } from '../../posture/posture-api.ts';

const MAX_IPS = 200;

export default function geoRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    '/v1/geo',
    {
      config: {
        auth: ['viewer'],
        docs: {
          description:
            'One entry per address: { ip, internal, country, city, region, asn, org }; null for a string that is not an IP address.',
          schema: { type: 'object', properties: { items: { type: 'array', items: { type: ['object', 'null'] } } } },
        },
      },
      schema: {
        summary: 'Geography of client addresses',
        tags: ['posture'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['ip'],
          properties: {
            ip: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_IPS,
              items: { type: 'string', maxLength: 64 },
              description: `Repeat for several (at most ${MAX_IPS}).`,
            },
          },
        },
      },
    },
    async (request) => {
      const geo = await geoOf(deps);
      return { items: (request.query as { ip: string[] }).ip.map((ip) => geo.lookup(ip)) };
    },
  );
}
