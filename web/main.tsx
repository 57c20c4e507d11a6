import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app';
import { resume } from './lib/api';
import { navigate } from './lib/router';

if (location.pathname === '/' || location.pathname === '/ui' || location.pathname === '/ui/') navigate(`/ui/logs${location.search}`, true);
const root = document.getElementById('app')!;
root.textContent = '';
void resume().then(() => render(<App />, root));
