import { describe, expect, it } from 'vitest';
import { formatMoment } from './dates';

describe('a moment as the person reads it', () => {
  it('is written in their locale, not as the machine’s timestamp', () => {
    const at = '2026-12-01T20:30:00+00:00';
    const shown = formatMoment(at);
    expect(shown).toBe(
      new Date(at).toLocaleString(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' }),
    );
    expect(shown).not.toContain('2026-12-01');
    expect(shown).not.toContain('T20');
  });

  it('leaves text that is not a moment as it is', () => {
    expect(formatMoment('soon')).toBe('soon');
  });
});
