/**
 * What the map animates in each mode: the run's frames (single), both sides' frames at their common valid times
 * (compare), the difference frames of those pairs (diff), or one valid time across the newest runs (trend);
 * with the legend and labels that go with them.
 */
import type { Api } from '../lib/api';
import { differenceFrames, frameAddress, pairByValidTime, type FramePair } from '../lib/compare';
import type { Frame, FramesResponse, Legend } from '../lib/types';
import type { ViewState } from '../lib/urls';
import { useAsync } from './useAsync';
import type { SideB } from './useSideB';

export interface ModeView {
  /** The frames the time slider steps through (side A's in compare mode). */
  frames: Frame[];
  /** Compare: side B's frame at each of those valid times. */
  framesB: Frame[] | null;
  /** Compare and diff: the frame pairs behind `frames`. */
  pairs: FramePair[];
  legend: Legend | null;
  /** Trend: each frame's run, shown in place of its forecast hour. */
  runs: string[] | null;
  error: Error | null;
}

type TrendFrame = Frame & { run: string };

export function useModeView(api: Api, view: ViewState, a: FramesResponse | null, sideB: SideB): ModeView {
  const b = sideB.frames;
  const paired = (view.mode === 'compare' || view.mode === 'diff') && a && b;
  const pairs = paired ? pairByValidTime(a.frames, b.frames) : [];
  const first = pairs[0];
  const legendKey = view.mode === 'diff' && a && b && first
    ? `${frameAddress(a, first.a.fh)}|${frameAddress(b, first.b.fh)}` : null;
  const diffLegend = useAsync(legendKey, (signal) => {
    const [fa, fb] = legendKey!.split('|');
    return api.diffLegend(fa, fb, signal);
  });
  const trendKey = view.mode === 'trend' && view.valid ? `trend:${view.model}/${view.var}/${view.valid}/${view.runs}` : null;
  const trend = useAsync(trendKey, (signal) => api.trend(view.model, view.var, view.valid!, view.runs, signal));

  switch (view.mode) {
    case 'compare':
      return { frames: pairs.map((p) => p.a), framesB: pairs.map((p) => p.b), pairs, legend: a?.legend ?? null,
        runs: null, error: sideB.error };
    case 'diff':
      return { frames: a && b ? differenceFrames(a, b, pairs) : [], framesB: null, pairs,
        legend: legendKey ? (diffLegend.value?.legend ?? null) : null, runs: null,
        error: sideB.error ?? (legendKey ? diffLegend.error : null) };
    case 'trend': {
      const listed = trendKey && trend.value?.valid_time === view.valid ? (trend.value.frames as TrendFrame[]) : [];
      return { frames: listed, framesB: null, pairs: [], legend: trend.value?.legend ?? a?.legend ?? null,
        runs: listed.map((f) => f.run), error: trendKey ? trend.error : null };
    }
    default:
      return { frames: a?.frames ?? [], framesB: null, pairs: [], legend: a?.legend ?? null, runs: null, error: null };
  }
}
