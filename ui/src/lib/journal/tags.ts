// Tags as the backend keeps them: lower case, no leading #, spaces turned into dashes.

export function normaliseTag(tag: string): string {
  const t = tag.trim().replace(/^#/, '');
  return t.split(/\s+/).filter(Boolean).join('-').toLowerCase();
}

/** "Job search, #sleep" → ["job-search", "sleep"] */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const t = normaliseTag(part);
    if (t) seen.add(t);
  }
  return [...seen];
}
