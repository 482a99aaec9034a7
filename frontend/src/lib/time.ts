/** Valid-time labels: UTC for forecasters, the browser's zone for everyone else. */

const UTC_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formatUtc(iso: string): string {
  return `${UTC_FORMAT.format(new Date(iso))} UTC`;
}

export function formatLocal(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** `f012`-style label used by forecasters for the forecast hour. */
export function formatForecastHour(fh: number): string {
  return `f${String(fh).padStart(fh >= 100 ? 3 : 2, '0')}`;
}
