import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GET path whenever it changes (null = nothing to load); earlier answers still in flight are dropped. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: ctl.signal }).then(
      (data) => setState({ data, error: null, loading: false }),
      (error) => {
        if ((error as Error).name !== 'AbortError') setState({ data: null, error, loading: false });
      },
    );
    return () => ctl.abort();
  }, [path, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
