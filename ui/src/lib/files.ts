// Getting text out of the app: a download through a data: URL (allowed by the app's
// CSP, unlike blob: URLs) and the clipboard.

/** Offers text as a file download through a data: URL (allowed by the app's CSP). */
export function downloadText(filename: string, text: string, mime = 'text/plain'): void {
  const a = document.createElement('a');
  a.href = `data:${mime};charset=utf-8,${encodeURIComponent(text)}`;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
