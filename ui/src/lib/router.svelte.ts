// A tiny hash router: "#/journal", "#/debrief/abc123". No history of its own; the
// browser's back button works because every move is a hash change.

function current(): string[] {
  const hash = typeof location === 'undefined' ? '' : location.hash;
  const path = hash.replace(/^#\/?/, '').split('?')[0];
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length ? parts : ['home'];
}

export const route = $state({ parts: current() });

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    route.parts = current();
  });
}

export function go(path: string): void {
  const clean = path.replace(/^#?\/?/, '');
  if (typeof location !== 'undefined') location.hash = '#/' + clean;
  route.parts = clean.split('/').filter(Boolean);
  if (!route.parts.length) route.parts = ['home'];
}

export function href(path: string): string {
  return '#/' + path.replace(/^#?\/?/, '');
}
