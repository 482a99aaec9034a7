/**
 * "Export loop": downloads the current view (the map's visible box) and frame range as a GIF or MP4, rendered by
 * the server exactly as the viewer composes a frame. Loops of one run and run-to-run trends alike.
 */
import { useState } from 'react';
import { exportUrl, type ExportAsk, type ExportFormat } from '../lib/compare';
import { formatForecastHour } from '../lib/time';
import type { Frame } from '../lib/types';

interface Props {
  frames: Frame[];
  /** A trend's runs: it exports them all (no range pickers); null for a loop of one run's hours. */
  labels: string[] | null;
  /** The export of frames `from`..`to` (indices), or null when there is nothing to export. */
  ask: (from: number, to: number, format: ExportFormat) => ExportAsk | null;
}

export function ExportButton({ frames, labels, ask }: Props) {
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<ExportFormat>('gif');
  const [range, setRange] = useState<[number, number] | null>(null);
  const last = frames.length - 1;
  const [from, to] = range && range[1] <= last ? range : [0, last];
  const request = frames.length > 0 ? ask(from, to, format) : null;
  const options = frames.map((f, i) => <option key={i} value={i}>{formatForecastHour(f.fh)}</option>);
  return (
    <div className="panel export" data-testid="export">
      <button type="button" data-testid="export-open" onClick={() => setOpen((o) => !o)} disabled={!request}>
        Export loop
      </button>
      {open && request && (
        <div className="export-form">
          {labels === null && (<>
          <label>From <select data-testid="export-from" value={from}
            onChange={(e) => setRange([Number(e.target.value), Math.max(to, Number(e.target.value))])}>{options}</select>
          </label>
          <label>to <select data-testid="export-to" value={to}
            onChange={(e) => setRange([Math.min(from, Number(e.target.value)), Number(e.target.value)])}>{options}</select>
          </label>
          </>)}
          <select aria-label="Format" data-testid="export-format" value={format}
            onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            <option value="gif">GIF</option>
            <option value="mp4">MP4</option>
          </select>
          <a className="download" data-testid="export-download" href={exportUrl(request)} download>
            Download {to - from + 1} frames
          </a>
        </div>
      )}
    </div>
  );
}
