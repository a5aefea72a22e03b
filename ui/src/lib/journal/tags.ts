// The tags field as typed: split on commas, nothing more. The core normalises tags on
// save (lower case, no leading #, spaces to dashes, no repeats: `Entry::normalise`) and
// the editor adopts what it saved.

/** "Job search, #sleep" → ["Job search", "#sleep"] (blank parts dropped). */
export function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
