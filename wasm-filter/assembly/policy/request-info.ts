// What policy matching needs to know about an exchange, gathered once per request by the filter
// (or filled directly by tests and the policy vector harness).
import { HeaderPair } from "../abi/pairs";
import { IpAddress } from "./ip";

/** palisade.v1.AuthScheme */
export namespace AuthScheme {
  export const Unspecified: u32 = 0;
  export const None: u32 = 1;
  export const Basic: u32 = 2;
  export const Bearer: u32 = 3;
  export const Jwt: u32 = 4;
  export const ApiKeyHeader: u32 = 5;
  export const ApiKeyQuery: u32 = 6;
  export const Mtls: u32 = 7;
  export const Cookie: u32 = 8;
  export const Other: u32 = 9;
}

export class RequestInfo {
  method: string = "";
  /** `:authority` without port, lower case. */
  host: string = "";
  /** Path without the query string. */
  path: string = "";
  query: string = "";
  clientIp: IpAddress | null = null;
  clientIpText: string = "";
  headers: Array<HeaderPair> = [];
  authScheme: u32 = AuthScheme.None;
  /** The credential that identifies the caller for RATE_LIMIT_KEY_API_KEY ("" when none). */
  apiKey: string = "";
  /** Header or query parameter that carried the API key. */
  apiKeyName: string = "";
  jwtAlg: string = "";
}

/** A finding as policy matching sees it. */
export class FindingFact {
  constructor(
    public type: string,
    public severity: u32,
    public direction: u32,
  ) {}
}
