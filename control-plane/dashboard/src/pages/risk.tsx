// Risk factors: built-in weights and custom categories (a condition over endpoint attributes and a
// weight), applied at once by the control plane and versioned there.
import { useState } from 'preact/hooks';
import { api, type RiskCondition } from '../lib/api.ts';
import { useAsync } from '../lib/hooks.ts';
import { signalToast } from '../lib/toasts.ts';

/** Custom factor ids are lower-case letters, digits and dashes (the risk model's rule), from the name. */
export function factorId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `custom-${slug || 'factor'}`;
}

export function RiskPage({ canEdit }: { canEdit: boolean }) {
  const factors = useAsync(() => api.riskFactors(), []);
  const [draft, setDraft] = useState({ name: '', category: '', condition: '', weight: 10 });
  async function save(e: Event) {
    e.preventDefault();
    let condition: RiskCondition;
    try {
      condition = JSON.parse(draft.condition) as RiskCondition;
    } catch (err) {
      signalToast.show(`The condition is not valid JSON: ${(err as Error).message}`, 'error');
      return;
    }
    try {
      await api.saveRiskFactor({
        id: factorId(draft.name),
        name: draft.name,
        category: draft.category || 'custom',
        weight: draft.weight,
        condition,
      });
      signalToast.show(`Saved risk factor ${draft.name}`, 'ok');
      setDraft({ name: '', category: '', condition: '', weight: 10 });
      factors.reload();
    } catch (err) {
      signalToast.show(`Could not save: ${(err as Error).message}`, 'error');
    }
  }
  return (
    <div class="page">
      <h1>Risk</h1>
      {factors.error && <p class="error">Could not load factors: {factors.error.message}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Factor</th>
            <th scope="col">Category</th>
            <th scope="col">Condition</th>
            <th scope="col" class="num">
              Weight
            </th>
          </tr>
        </thead>
        <tbody>
          {(factors.data?.items ?? []).map((f) => (
            <tr key={f.id}>
              <td>
                {f.name} {f.builtIn ? <span class="muted">(built-in)</span> : null}
              </td>
              <td>{f.category ?? '—'}</td>
              <td>
                <code>{f.condition ? JSON.stringify(f.condition) : '—'}</code>
              </td>
              <td class="num">{f.weight}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <form class="form" onSubmit={save}>
          <h2>Add a custom factor</h2>
          <label>
            Name <input required value={draft.name} onInput={(e) => setDraft({ ...draft, name: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            Category{' '}
            <input value={draft.category} onInput={(e) => setDraft({ ...draft, category: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            Condition{' '}
            <input
              required
              placeholder='JSON, e.g. {"attr": "external", "op": "eq", "value": true}'
              value={draft.condition}
              onInput={(e) => setDraft({ ...draft, condition: (e.target as HTMLInputElement).value })}
            />
          </label>
          <label>
            Weight{' '}
            <input
              type="number"
              min={0}
              max={100}
              value={draft.weight}
              onInput={(e) => setDraft({ ...draft, weight: Number((e.target as HTMLInputElement).value) })}
            />
          </label>
          <button type="submit">Save factor</button>
        </form>
      )}
    </div>
  );
}
