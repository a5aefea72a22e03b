import { mount } from 'svelte';
import './app.css';

performance.mark('comeback:main');
import App from './App.svelte';
import { applyTheme, savedTheme } from './lib/theme';

applyTheme(savedTheme());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
