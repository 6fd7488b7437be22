'use client';

/**
 * A labelled time filter holding an ISO instant (''  for none), shown as a datetime-local field in
 * the browser's local time, to the second.
 */
export function InstantField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (instant: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="datetime-local"
        step={1}
        value={instantToField(props.value)}
        onChange={(e) => props.onChange(e.target.value ? new Date(e.target.value).toISOString() : '')}
      />
    </div>
  );
}

function instantToField(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
