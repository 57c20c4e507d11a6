import { ApiError } from '../lib/api';

/** The API's refusal or failure, as it said it (the console adds no rules of its own). */
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'Error', String((error as Error)?.message ?? error));
  return (
    <div class="problem" role="alert">
      <strong>{e.status ? `${e.status} ${e.title}` : e.title}</strong>: {e.detail}
    </div>
  );
}
