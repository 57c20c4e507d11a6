/**
 * The URL is the state: the page is the path under /ui/, its filters, range and selection the
 * query string, so a link can be shared and Back works. Pages read `route` and change it with
 * setParams / navigate.
 */
import { signal } from '@preact/signals';

export const PAGES = ['logs', 'alerts', 'metrics', 'rules'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  params: URLSearchParams;
}

function read(): Route {
  const seg = location.pathname.replace(/^\/ui\/?/, '').split('/')[0] ?? '';
  const page = (PAGES as readonly string[]).includes(seg) ? (seg as Page) : 'logs';
  return { page, params: new URLSearchParams(location.search) };
}

export const route = signal<Route>(read());
addEventListener('popstate', () => (route.value = read()));

export function href(page: Page, params: Record<string, string | null | undefined> = {}): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') u.set(k, v);
  const s = u.toString();
  return `/ui/${page}${s ? `?${s}` : ''}`;
}

export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.value = read();
}

/** Changes some query parameters of the current page (null removes one). */
export function setParams(change: Record<string, string | null>, replace = false): void {
  const p = new URLSearchParams(route.value.params);
  for (const [k, v] of Object.entries(change)) {
    if (v === null || v === '') p.delete(k);
    else p.set(k, v);
  }
  const s = p.toString();
  navigate(`/ui/${route.value.page}${s ? `?${s}` : ''}`, replace);
}

/** Same-page links without a reload (left click only; a middle click opens a tab as usual). */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as Element).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/ui/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}
