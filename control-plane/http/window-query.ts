// The `windowMinutes` query parameter of the dashboard's time-windowed views, declared once.
import type { JsonSchema } from '../rules/proto-json-schema.ts';
import { MAX_WINDOW_MINUTES } from '../insights/time-window.ts';

export function windowQuery(defaultMinutes: number, extra: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      windowMinutes: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_WINDOW_MINUTES,
        default: defaultMinutes,
        description: `The last N minutes (1-${MAX_WINDOW_MINUTES}, default ${defaultMinutes}).`,
      },
      ...extra,
    },
  };
}
