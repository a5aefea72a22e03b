import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import StoryBank from './StoryBank.svelte';

describe('the story bank', () => {
  it("offers the core's suggestions and drafts the one picked, saving it as a new story", async () => {
    const be = fakeBackend();
    // The core's answer (story_suggestions), as a fixture: the drafting rule is the core's.
    const suggestions = [
      {
        key: 'lesson-d1-l1',
        label: 'Lesson: Ask for feedback early (from “Laid off”)',
        draft: {
          id: '',
          title: 'Ask for feedback early',
          situation: 'Laid off. Understand what happened',
          task: 'Two lessons',
          action: 'Book a monthly 1:1',
          result: 'What I learned: Ask for feedback early.',
          source: 'd1',
          why_i_left: true,
        },
      },
      {
        key: 'win-w1',
        label: 'Win: Shipped the beta',
        draft: { id: '', title: 'Shipped the beta', situation: '', task: '', action: '', result: 'Shipped the beta', source: 'w1', why_i_left: false },
      },
    ];
    render(StoryBank, { stories: [], suggestions });
    const pick = screen.getByTestId('story-suggest-pick') as HTMLSelectElement;
    expect([...pick.options].map((o) => o.textContent)).toEqual([
      'Pick a lesson or a win',
      'Lesson: Ask for feedback early (from “Laid off”)',
      'Win: Shipped the beta',
    ]);
    await fireEvent.change(pick, { target: { value: 'lesson-d1-l1' } });
    await fireEvent.click(screen.getByTestId('story-suggest'));
    expect((screen.getByTestId('story-title') as HTMLInputElement).value).toBe('Ask for feedback early');
    expect((screen.getByTestId('story-situation') as HTMLTextAreaElement).value).toBe('Laid off. Understand what happened');
    expect((screen.getByTestId('story-action') as HTMLTextAreaElement).value).toBe('Book a monthly 1:1');

    await fireEvent.click(screen.getByTestId('story-save'));
    await waitFor(() => expect(be.calls.some((c) => c.cmd === 'save_record')).toBe(true));
    const saved = be.calls.find((c) => c.cmd === 'save_record')!.args;
    expect(saved).toMatchObject({ kind: 'story', record: { id: '', title: 'Ask for feedback early', source: 'd1', why_i_left: true } });
  });

  it('offers nothing to pick when the core suggests nothing', () => {
    fakeBackend();
    render(StoryBank, { stories: [], suggestions: [] });
    expect(screen.queryByTestId('story-suggest-pick')).toBeNull();
  });
});

describe('a story in the bank', () => {
  const story = {
    id: 's1',
    title: 'Rescued the migration',
    situation: 'A late project',
    task: 'Ship it',
    action: 'Cut scope',
    result: 'Shipped',
    why_i_left: false,
    version: 'v6',
  };
  const writes = (be: ReturnType<typeof fakeBackend>) =>
    be.calls.filter((c) => c.cmd === 'save_record' || c.cmd === 'delete_record');

  it('opens a new story from the Add button and closes once saved', async () => {
    const be = fakeBackend();
    render(StoryBank, { stories: [], suggestions: [] });
    expect(screen.queryByTestId('story-form')).toBeNull();
    await fireEvent.click(screen.getByTestId('story-add'));
    await fireEvent.input(screen.getByTestId('story-title'), { target: { value: 'Mentored two juniors' } });
    await fireEvent.click(screen.getByTestId('story-save'));
    await waitFor(() => expect(screen.queryByTestId('story-dialog')).toBeNull());
    expect(writes(be)[0].args).toMatchObject({ kind: 'story', record: { id: '', title: 'Mentored two juniors' } });
  });

  it('edits a story on the version it was loaded with, sending the changed field', async () => {
    const be = fakeBackend();
    render(StoryBank, { stories: [{ ...story }], suggestions: [] });
    await fireEvent.click(screen.getByTestId('story-edit'));
    await fireEvent.input(screen.getByTestId('story-result'), { target: { value: 'Shipped two weeks early' } });
    await fireEvent.click(screen.getByTestId('story-save'));
    await waitFor(() => expect(screen.queryByTestId('story-dialog')).toBeNull());
    expect(writes(be).map((c) => c.args)).toEqual([
      { kind: 'story', record: { ...story, result: 'Shipped two weeks early' } },
    ]);
  });

  it('deletes a story only once the person confirms, and cancelling does nothing', async () => {
    const be = fakeBackend();
    render(StoryBank, { stories: [{ ...story }], suggestions: [] });
    await fireEvent.click(screen.getByTestId('story-edit'));
    await fireEvent.click(screen.getByTestId('story-cancel'));
    await fireEvent.click(screen.getByTestId('story-delete'));
    await fireEvent.click(screen.getByTestId('story-delete-cancel'));
    expect(writes(be)).toEqual([]);

    await fireEvent.click(screen.getByTestId('story-delete'));
    await fireEvent.click(screen.getByTestId('story-delete-confirm'));
    await waitFor(() => expect(writes(be).map((c) => c.args)).toEqual([{ kind: 'story', id: 's1' }]));
  });
});
