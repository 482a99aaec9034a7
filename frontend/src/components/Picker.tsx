/** A labelled `<select>`; options are value/label pairs (with a tooltip saying why one is disabled). */
export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
  title?: string;
}

interface Props {
  label: string;
  name: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
}

export function Picker({ label, name, value, options, onChange }: Props) {
  return (
    <label className="picker">
      <span>{label}</span>
      <select name={name} data-testid={`pick-${name}`} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled} title={o.title}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
