// How a synthetic API is described: endpoints with path-parameter generators, parameters, status
// mix, auth and body generators. The same description yields traffic and ground truth.
import type { Rng } from './random.ts';

export type Auth = 'none' | 'jwt' | 'bearer' | 'basic' | 'api-key-header' | 'api-key-query' | 'cookie';

export interface ParamDef {
  name: string;
  in: 'query' | 'header';
  required: boolean;
  /** Probability an optional parameter is sent. */
  p?: number;
  gen: (r: Rng) => string;
}

export interface EndpointDef {
  method: string;
  /** Template with named parameters; each name has a generator in ApiDef.pathParams. */
  path: string;
  weight: number;
  params?: ParamDef[];
  statuses: (readonly [number, number])[];
  auth: Auth;
  request?: (r: Rng) => unknown;
  /** Body for a status; undefined for none. Errors default to the API's error body. */
  response?: (r: Rng, status: number) => unknown;
  deprecated?: boolean;
}

export interface ApiDef {
  host: string;
  pathParams: Record<string, (r: Rng) => string>;
  endpoints: EndpointDef[];
  error: (r: Rng, status: number) => unknown;
}
