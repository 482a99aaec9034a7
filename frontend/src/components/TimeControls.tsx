/** Forecast-hour slider with valid time (UTC and local), play/pause, step, speed and prefetch progress. */
import type { Frame } from '../lib/types';
import { SPEEDS_FPS } from '../lib/config';
import { formatForecastHour, formatLocal, formatUtc } from '../lib/time';
import type { Playback } from '../hooks/usePlayback';
import { Icon } from './Icon';

interface Props {
  frames: Frame[];
  index: number;
  readyCount: number;
  playback: Playback;
  onIndex: (index: number) => void;
  /** Shown in place of the forecast hour (a trend labels each frame by its run). */
  caption?: string;
}

export function TimeControls({ frames, index, readyCount, playback, onIndex, caption }: Props) {
  const frame = frames[index];
  if (!frame) return <div className="panel timebar">No frames published for this selection.</div>;
  return (
    <div className="panel timebar">
      <div className="buttons">
        <button type="button" data-testid="step-back" title="Previous frame (←)" onClick={() => playback.step(-1)}>
          <Icon name="back" />
        </button>
        <button type="button" data-testid="play" data-playing={playback.playing} title="Play / pause (space)" onClick={playback.toggle}>
          <Icon name={playback.playing ? 'pause' : 'play'} />
        </button>
        <button type="button" data-testid="step-forward" title="Next frame (→)" onClick={() => playback.step(1)}>
          <Icon name="forward" />
        </button>
        <select aria-label="Speed" data-testid="speed" value={playback.fps}
          onChange={(e) => playback.setFps(Number(e.target.value))}>
          {SPEEDS_FPS.map((fps) => (
            <option key={fps} value={fps}>
              {fps} fps
            </option>
          ))}
        </select>
      </div>
      <input className="slider" type="range" min={0} max={frames.length - 1} step={1} value={index}
        data-testid="fh-slider" aria-label="Forecast hour" onChange={(e) => onIndex(Number(e.target.value))} />
      <div className="when" data-testid="valid-time" data-fh={frame.fh}>
        <strong data-testid="frame-caption">{caption ?? formatForecastHour(frame.fh)}</strong> {formatUtc(frame.valid_time)}
        <span className="local"> · {formatLocal(frame.valid_time)}</span>
      </div>
      <div className="progress" data-testid="prefetch" title="Frames loaded for this view">
        {readyCount}/{frames.length} loaded
      </div>
    </div>
  );
}
