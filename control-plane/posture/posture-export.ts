// Posture events as CSV (RFC 4180) and JSON Lines, for SIEMs and spreadsheets.
import type { PostureEvent } from './posture-changes.ts';

export const CSV_COLUMNS = ['id', 'at', 'kind', 'severity', 'host', 'method', 'path', 'summary', 'dedupKey', 'resolves'] as const;

function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  // Cells starting with = + - @ run as formulas in spreadsheet apps (CSV injection): quote them out.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function eventsToCsv(events: Iterable<PostureEvent>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of events) lines.push(CSV_COLUMNS.map((c) => csvCell(c === 'at' ? new Date(e.at).toISOString() : e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function eventsToJsonLines(events: Iterable<PostureEvent>): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify({ ...e, at: new Date(e.at).toISOString() })}\n`;
  return out;
}
