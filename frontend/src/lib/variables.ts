/**
 * Which variables a run can show. A run's manifest lists every planned variable from its first commit, with
 * `available_frames: 0` until its first frame lands (docs/ARTIFACT_CONTRACT.md): such a variable is listed as
 * pending and never selected, so the map never opens on an empty frame list.
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
}

/** Picker entries: a variable without frames is shown, labelled pending, and cannot be picked. */
export function variableOptions(variables: VariableInfo[]): VariableOption[] {
  return variables.map((v) => ({
    value: v.id,
    label: hasFrames(v) ? v.label : `${v.label} (pending)`,
    disabled: !hasFrames(v),
  }));
}
