/**
 * The shell: sign-in until there is a session, then the navigation, the theme switch and the
 * current page (from the URL). Keys: g then l / a / m / r switch pages; / focuses the query box.
 */
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { logout, session } from './lib/api';
import { href, navigate, onLinkClick, PAGES, route, type Page } from './lib/router';
import { AlertsPage } from './pages/alerts';
import { LogsPage } from './pages/logs';
import { MetricsPage } from './pages/metrics';
import { RulesPage } from './pages/rules';
import { SignIn } from './pages/sign-in';

const TITLES: Record<Page, string> = { logs: 'Logs', alerts: 'Alerts', metrics: 'Metrics', rules: 'Rules & status' };
type Theme = 'light' | 'dark' | 'auto';
// The theme is a display preference, the one thing kept across reloads (never a credential).
const theme = signal<Theme>((localStorage.getItem('logagg.theme') as Theme | null) ?? 'auto');

function applyTheme(t: Theme): void {
  document.documentElement.dataset.theme = t;
  localStorage.setItem('logagg.theme', t);
}

export function App() {
  const s = session.value;
  const page = route.value.page;
  useEffect(() => applyTheme(theme.value), [theme.value]);
  useEffect(() => {
    document.title = `${TITLES[page]} · logagg`;
  }, [page]);
  useEffect(() => {
    let g = false;
    const keys = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input,textarea,select') || e.ctrlKey || e.metaKey || e.altKey) return;
      if (g) {
        g = false;
        const to = PAGES.find((p) => p[0] === e.key);
        if (to) navigate(href(to));
      } else if (e.key === 'g') g = true;
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, []);

  // The side views (event, alert) open below the navigation, never over it: its height (it
  // wraps at phone width) is kept in --nav-h for the stylesheet.
  const nav = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = nav.current;
    if (!el) return;
    const set = () => document.documentElement.style.setProperty('--nav-h', `${el.getBoundingClientRect().height}px`);
    set();
    const ro = new ResizeObserver(set);
    ro.observe(el);
    return () => ro.disconnect();
  }, [s]);

  if (!s) return <SignIn />;
  return (
    <div class="shell" onClick={onLinkClick}>
      <nav aria-label="Main" ref={nav}>
        <span class="brand">logagg</span>
        {PAGES.map((p) => (
          <a href={href(p)} aria-current={p === page ? 'page' : undefined}>
            {TITLES[p]}
          </a>
        ))}
        <span class="spacer" />
        <select aria-label="Theme" value={theme.value} onChange={(e) => (theme.value = e.currentTarget.value as Theme)}>
          <option value="auto">auto</option>
          <option value="light">light</option>
          <option value="dark">dark</option>
        </select>
        <span class="who" title={s.hosts ? `hosts: ${s.hosts.join(', ')}` : 'all hosts'}>
          {s.sub} ({s.roles.join(', ') || 'no role'}, {s.via})
        </span>
        <button type="button" onClick={() => void logout()}>
          Sign out
        </button>
      </nav>
      <main>
        {page === 'logs' && <LogsPage />}
        {page === 'alerts' && <AlertsPage />}
        {page === 'metrics' && <MetricsPage />}
        {page === 'rules' && <RulesPage />}
      </main>
    </div>
  );
}
