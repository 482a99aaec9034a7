/**
 * Which variables a run can show. A run's manifest lists every planned variable from its first commit, with
 * `available_frames: 0` until its first frame lands (docs/ARTIFACT_CONTRACT.md): such a variable is listed as
 * pending, or as unavailable with the reason when the run cannot build it, and never selected, so the map never
 * opens on an empty frame list.
 */
import { DEFAULT_VAR } from './config';
import type { VariableInfo } from './types';

export function hasFrames(variable: VariableInfo): boolean {
  return variable.available_frames > 0;
}

/**
 * The variable to show: the requested one if it has frames, else the default (tmp2m) if it has, else the first
 * variable with frames; `null` when none has any yet. While the catalog is still loading (no variables known)
 * the requested one is shown as asked.
 */
export function chooseVariable(variables: VariableInfo[], requested: string): string | null {
  if (variables.length === 0) return requested;
  const ready = variables.filter(hasFrames);
  const preferred = [requested, DEFAULT_VAR].find((id) => ready.some((v) => v.id === id));
  return preferred ?? ready[0]?.id ?? null;
}

export interface VariableOption {
  value: string;
  label: string;
  disabled: boolean;
  title?: string;
}

/**
 * Picker entries: a variable without frames is shown, labelled pending (or unavailable, with the reason as its
 * tooltip), and cannot be picked.
 */
export function variableOptions(variables: VariableInfo[]): VariableOption[] {
  return variables.map((v) => {
    if (hasFrames(v)) return { value: v.id, label: v.label, disabled: false };
    if (v.unavailable) {
      return { value: v.id, label: `${v.label} (unavailable)`, disabled: true, title: v.unavailable };
    }
    return { value: v.id, label: `${v.label} (pending)`, disabled: true };
  });
}
