/**
 * CalVer (https://calver.org): a format such as `YYYY.MM.PATCH` or `YYYY.0M.MICRO`. The counter
 * (PATCH/MICRO) restarts at 0 in each new period; the date comes from an injected clock, in UTC.
 */

type Token = 'YYYY' | 'YY' | '0Y' | 'MM' | '0M' | 'DD' | '0D' | 'PATCH' | 'MICRO';

function renderToken(token: Token, now: Date): string {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  const day = now.getUTCDate();
  switch (token) {
    case 'YYYY':
      return String(year);
    case 'YY':
      return String(year % 100);
    case '0Y':
      return String(year % 100).padStart(2, '0');
    case 'MM':
      return String(month);
    case '0M':
      return String(month).padStart(2, '0');
    case 'DD':
      return String(day);
    case '0D':
      return String(day).padStart(2, '0');
    default:
      throw new Error(`not a date token: ${token}`);
  }
}

/** The period part (everything but the counter) for `now`, e.g. `2026.11` for YYYY.MM.PATCH. */
export function calendarPeriod(format: string, now: Date): string {
  const tokens = format.split('.') as Token[];
  return tokens
    .slice(0, -1)
    .map((t) => renderToken(t, now))
    .join('.');
}

/** Splits `2026.11.3` (or `2026.11.3-rc.1`) into its period and counter for `format`; null if it does not fit. */
export function parseCalendarVersion(
  format: string,
  version: string,
): { period: string; counter: number } | null {
  const core = version.split(/[-+]/, 1)[0] ?? '';
  const parts = core.split('.');
  if (parts.length !== format.split('.').length || !parts.every((p) => /^\d+$/.test(p))) return null;
  return { period: parts.slice(0, -1).join('.'), counter: Number(parts.at(-1)) };
}

/** The next stable CalVer after `current` (null when there is none yet). */
export function nextCalendarVersion(format: string, current: string | null, now: Date): string {
  const period = calendarPeriod(format, now);
  const parsed = current === null ? null : parseCalendarVersion(format, current);
  const counter = parsed && parsed.period === period ? parsed.counter + 1 : 0;
  return `${period}.${counter}`;
}
