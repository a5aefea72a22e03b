// The first line a new entry starts with, handed from elsewhere (Home's daily prompt) to
// the Journal's editor. It is held until the next new entry takes it; the editor shows it
// but saves nothing until the person writes, so backing out leaves no entry behind.

let pending: string | null = null;

/** The next new entry starts with `text`. */
export function startNextEntryWith(text: string): void {
  pending = text;
}

/** The text the next new entry starts with, if any (taken: asked again, it is gone). */
export function takeStartText(): string | null {
  const text = pending;
  pending = null;
  return text;
}
