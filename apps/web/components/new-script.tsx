'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/api';
import { NEW_SCRIPT_TEMPLATE } from '@/lib/script-types';
import { CodeEditor } from './code-editor';
import { ErrorState } from './states';

export function NewScript() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [code, setCode] = useState(NEW_SCRIPT_TEMPLATE);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function create() {
    setBusy(true);
    setError(undefined);
    try {
      const script = await api<{ id: string }>('/scripts', {
        method: 'POST',
        body: { name, code, language: 'typescript' },
      });
      router.push(`/scripts/${script.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New script</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
        className="stack"
      >
        <div className="field">
          <label htmlFor="script-name">Name</label>
          <input id="script-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <CodeEditor
          path="/new-script.ts"
          value={code}
          onChange={setCode}
          onSave={() => void create()}
          label="Code"
        />
        {error && <ErrorState message={error} />}
        <button type="submit" disabled={busy || !name.trim()}>
          {busy ? 'Creating…' : 'Create'}
        </button>
      </form>
    </section>
  );
}
