/**
 * Which variables a run can show, and how the picker lists them. A run's manifest lists every planned variable
 * from its first commit, with `available_frames: 0` until its first frame lands (docs/ARTIFACT_CONTRACT.md):
 * such a variable is listed as pending, or as unavailable with the reason when the run cannot build it, and
 * never selected, so the map never opens on an empty frame list.
 * With 35+ variables the picker groups them by section (surface, precipitation, winter, upper air, severe)
 * and narrows them by a quick filter on their names.
 */
import { DEFAULT_VAR } from './config';
import type { VariableGroup, VariableInfo } from './types';

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

export interface VariableSection {
  group: VariableGroup;
  label: string;
  options: VariableOption[];
}

export const GROUP_LABELS: Record<VariableGroup, string> = {
  surface: 'Surface',
  precipitation: 'Precipitation',
  winter: 'Winter',
  upper_air: 'Upper air',
  severe: 'Severe & moisture',
};

/** Every word of the filter appears in the variable's label or id (case-insensitive). */
export function matchesFilter(variable: VariableInfo, filter: string): boolean {
  const text = `${variable.label} ${variable.id.replace(/_/g, ' ')}`.toLowerCase();
  return filter.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

/** A variable without frames cannot be picked: pending, or unavailable with the reason as its tooltip. */
function option(v: VariableInfo): VariableOption {
  if (hasFrames(v)) return { value: v.id, label: v.label, disabled: false };
  if (v.unavailable) return { value: v.id, label: `${v.label} (unavailable)`, disabled: true, title: v.unavailable };
  return { value: v.id, label: `${v.label} (pending)`, disabled: true };
}

/**
 * Picker sections in group order, each variable in the run's order, narrowed by `filter`; the `selected`
 * variable is always kept so the picker never shows another one than the map does.
 */
export function variableSections(variables: VariableInfo[], filter = '', selected = ''): VariableSection[] {
  const shown = variables.filter((v) => v.id === selected || matchesFilter(v, filter));
  return (Object.keys(GROUP_LABELS) as VariableGroup[])
    .map((group) => ({ group, label: GROUP_LABELS[group], options: shown.filter((v) => v.group === group).map(option) }))
    .filter((section) => section.options.length > 0);
}

/** The first variable with frames the filter matches (what Enter in the filter picks), or null. */
export function firstMatch(variables: VariableInfo[], filter: string): string | null {
  const ordered = variableSections(variables, filter).flatMap((s) => s.options);
  return ordered.find((o) => !o.disabled)?.value ?? null;
}

/** The variable `step` places after `current` in picker order among those with frames, wrapping around. */
export function adjacentVariable(variables: VariableInfo[], current: string, step: 1 | -1): string | null {
  const ordered = variableSections(variables).flatMap((s) => s.options).filter((o) => !o.disabled);
  if (ordered.length === 0) return null;
  const at = ordered.findIndex((o) => o.value === current);
  if (at === -1) return ordered[step === 1 ? 0 : ordered.length - 1].value;
  return ordered[(at + step + ordered.length) % ordered.length].value;
}

/** Flat picker entries in picker order (side B's variable picker of the compare view). */
export function variableOptions(variables: VariableInfo[]): VariableOption[] {
  return variableSections(variables).flatMap((s) => s.options);
}
