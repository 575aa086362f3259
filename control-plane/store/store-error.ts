// Errors the store raises, with stable codes so the API's error catalogue can map them.
export type StoreErrorCode =
  'STORE_CONFIG_INVALID' | 'STORE_OPEN_FAILED' | 'STORE_MIGRATION_FAILED' | 'STORE_MIGRATION_INVALID' | 'STORE_CLOSED';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'StoreError';
  }
}
