// Announcements for screen readers and eyes alike: one polite live region.
import { signalToast, useToasts } from '../lib/toasts.ts';

export function Toasts() {
  const toasts = useToasts();
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          {t.text}
          <button class="link" aria-label="Dismiss" onClick={() => signalToast.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
