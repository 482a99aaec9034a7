/**
 * Hover values for the mode on screen: the frame's value (single map; a trend frame of its own run), both sides'
 * values at the shared valid time (side by side), or A − B with both (difference).
 */
import type { Api } from '../lib/api';
import { frameAddress, type Mode } from '../lib/compare';
import type { DiffSample, Frame, FramesResponse, Sample } from '../lib/types';
import { useDiffSample } from './useDiffSample';
import type { ModeView } from './useModeView';
import { useSample, type FrameIdentity, type PointerPoint } from './useSample';

export interface ModeSamples {
  sample: Sample | null;
  sampleB: Sample | null;
  diffSample: DiffSample | null;
}

function identity(listing: FramesResponse | null, frame: Frame | null | undefined, run?: string): FrameIdentity | null {
  return listing && frame ? { model: listing.model, run: run ?? listing.run, var: listing.var, fh: frame.fh } : null;
}

export function useModeSamples(api: Api, mode: Mode, a: FramesResponse | null, b: FramesResponse | null,
  modeView: ModeView, index: number, point: PointerPoint | null): ModeSamples {
  const frame = modeView.frames[index];
  const pair = modeView.pairs[index];
  const trendRun = modeView.runs?.[index];
  const first = mode === 'single' ? identity(a, frame)
    : mode === 'compare' ? identity(a, pair?.a)
      : mode === 'trend' && trendRun ? identity(a, frame, trendRun) : null;
  const sample = useSample(api, first, point);
  const sampleB = useSample(api, mode === 'compare' ? identity(b, pair?.b) : null, point);
  const diff = mode === 'diff' && a && b && pair;
  const diffSample = useDiffSample(api, diff ? frameAddress(a, pair.a.fh) : null, diff ? frameAddress(b, pair.b.fh) : null,
    point);
  return { sample, sampleB, diffSample };
}
