'use client';

export interface Settings {
  timeoutMs: number;
  memoryMb: number;
  network: string;
  secrets: string[];
  maxAttempts: number;
}

/** The spec fields saved with the next version (timeout, memory, network, declared secrets). */
export function ScriptSettings({ value, onChange }: { value: Settings; onChange: (s: Settings) => void }) {
  return (
    <section aria-labelledby="settings-title" className="panel">
      <h2 id="settings-title">Settings</h2>
      <p className="hint">Saved with the next version.</p>
      <div className="grid">
        <div className="field">
          <label htmlFor="timeout">Timeout (ms)</label>
          <input
            id="timeout"
            type="number"
            min={100}
            max={900000}
            value={value.timeoutMs}
            onChange={(e) => onChange({ ...value, timeoutMs: Number(e.target.value) })}
          />
        </div>
        <div className="field">
          <label htmlFor="memory">Memory (MB)</label>
          <input
            id="memory"
            type="number"
            min={32}
            max={4096}
            value={value.memoryMb}
            onChange={(e) => onChange({ ...value, memoryMb: Number(e.target.value) })}
          />
        </div>
        <div className="field">
          <label htmlFor="network">Network</label>
          <select
            id="network"
            value={value.network}
            onChange={(e) => onChange({ ...value, network: e.target.value })}
          >
            <option value="egress">egress (outbound allowed)</option>
            <option value="none">none</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="attempts">Max attempts</label>
          <input
            id="attempts"
            type="number"
            min={1}
            max={10}
            value={value.maxAttempts}
            onChange={(e) => onChange({ ...value, maxAttempts: Number(e.target.value) })}
          />
        </div>
        <div className="field wide">
          <label htmlFor="secrets">Secrets the script may read (comma-separated names)</label>
          <input
            id="secrets"
            value={value.secrets.join(', ')}
            onChange={(e) =>
              onChange({
                ...value,
                secrets: e.target.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              })
            }
          />
        </div>
      </div>
    </section>
  );
}
