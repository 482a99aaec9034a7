/**
 * The variable picker: a quick filter by name beside a select grouped by section (surface, precipitation,
 * winter, upper air, severe & moisture). Typing narrows the list; Enter picks the first match, ↓ moves to the
 * list, Escape clears the filter. `/` anywhere focuses the filter, `[` and `]` step through the variables
 * (see `useKeyboard`).
 */
import { forwardRef, useState } from 'react';
import type { VariableInfo } from '../lib/types';
import { firstMatch, variableSections } from '../lib/variables';

interface Props {
  variables: VariableInfo[];
  value: string;
  onChange: (id: string) => void;
}

export const VariablePicker = forwardRef<HTMLInputElement, Props>(function VariablePicker(
  { variables, value, onChange }, filterRef,
) {
  const [filter, setFilter] = useState('');
  const sections = variableSections(variables, filter, value);
  const pick = (id: string) => {
    setFilter('');
    onChange(id);
  };
  const onKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const list = e.currentTarget.parentElement?.querySelector('select');
    if (e.key === 'Enter') {
      const match = firstMatch(variables, filter);
      if (match) pick(match);
      e.currentTarget.blur();
    } else if (e.key === 'Escape') {
      setFilter('');
      e.currentTarget.blur();
    } else if (e.key === 'ArrowDown' && list) {
      e.preventDefault();
      list.focus();
    }
  };
  return (
    <label className="picker variable-picker">
      <span>Variable</span>
      <input ref={filterRef} type="search" data-testid="var-filter" placeholder="Filter (/)" value={filter}
        aria-label="Filter variables" onChange={(e) => setFilter(e.target.value)} onKeyDown={onKey} />
      <select name="var" data-testid="pick-var" value={value} onChange={(e) => pick(e.target.value)}
        title="Variable ([ and ] step through them)">
        {sections.map((section) => (
          <optgroup key={section.group} label={section.label} data-group={section.group}>
            {section.options.map((o) => (
              <option key={o.value} value={o.value} disabled={o.disabled} title={o.title}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
});
