// A tiny global toast store (no framework state library needed).
import { useEffect, useState } from 'preact/hooks';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'ok';
  text: string;
}

let toasts: Toast[] = [];
let next = 1;
const listeners = new Set<(t: Toast[]) => void>();
const emit = () => listeners.forEach((l) => l(toasts));

export const signalToast = {
  show(text: string, kind: Toast['kind'] = 'info', ms = 6000) {
    const t = { id: next++, kind, text };
    toasts = [...toasts, t];
    emit();
    if (ms > 0) setTimeout(() => signalToast.dismiss(t.id), ms);
  },
  dismiss(id: number) {
    toasts = toasts.filter((t) => t.id !== id);
    emit();
  },
};

export function useToasts() {
  const [list, setList] = useState(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return list;
}
