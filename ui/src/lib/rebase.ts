// Text rebasing for an editor that keeps typing while its saves are merged elsewhere.
// A change between two texts is read as one replaced region (the common prefix and
// suffix stay), which is what a person typing between two saves produces. The backend
// merges by character; this only has to carry what was typed since the last save over
// to the merged text, and keep the caret where it logically was. Pure, no DOM.

/** One replaced region: `old.slice(from, oldTo)` became `inserted`. */
export interface Splice {
  from: number;
  oldTo: number;
  inserted: string;
}

/** The single region where `a` and `b` differ, by common prefix and suffix. */
export function splice(a: string, b: string): Splice {
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  // Never split a surrogate pair: widen the region to whole characters.
  if (p > 0 && isHigh(a.charCodeAt(p - 1))) p--;
  if (s > 0 && isLow(a.charCodeAt(a.length - s))) s--;
  return { from: p, oldTo: a.length - s, inserted: b.slice(p, b.length - s) };
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Where position `pos` of `before` is in `after`. Text before the changed region keeps
 * its place, text after it shifts by the change in length, and a position inside the
 * replaced text lands just after what replaced it. A position exactly at an insertion
 * stays before the inserted text (someone else's words appear after the caret).
 */
export function mapPosition(before: string, after: string, pos: number): number {
  const at = Math.max(0, Math.min(pos, before.length));
  const { from, oldTo, inserted } = splice(before, after);
  if (at <= from) return at;
  if (at >= oldTo) return at + (after.length - before.length);
  return from + inserted.length;
}

/**
 * Applies what was typed locally (`base` → `local`) to `merged`, the text the backend
 * now holds for the version `base` was sent at (it contains `base`'s edit plus whatever
 * others wrote). Where both inserted at the same place ours comes first (the caret is
 * there, and stays before words that arrive at it); where ours falls inside text the other
 * side replaced, theirs is kept and ours goes after it, so nothing anyone typed is dropped.
 */
export function rebase(base: string, local: string, merged: string): string {
  if (local === base) return merged;
  if (merged === base) return local;
  const mine = splice(base, local);
  const from = mapPosition(base, merged, mine.from);
  const to = Math.max(from, mapPosition(base, merged, mine.oldTo));
  return merged.slice(0, from) + mine.inserted + merged.slice(to);
}

/** A selection (`start` ≤ `end`) carried from `before` to `after`. */
export function mapSelection(
  before: string,
  after: string,
  start: number,
  end: number,
): { start: number; end: number } {
  const s = mapPosition(before, after, start);
  return { start: s, end: Math.max(s, mapPosition(before, after, end)) };
}
