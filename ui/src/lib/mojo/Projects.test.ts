import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import Projects from './Projects.svelte';

describe('the project list', () => {
  it("shows each project's hours this week as the core counts them, against its target", () => {
    fakeBackend();
    const project = (id: string, name: string, target: number) => ({
      id,
      name,
      weekly_target_hours: target,
      notes: '',
      started_on: '2024-03-01',
      archived: false,
    });
    render(Projects, {
      projects: [project('p1', 'Garden app', 10), project('p2', 'Blog', 2)],
      // A log from last week, which a count of its own might wrongly include.
      logs: [{ id: 't1', project_id: 'p1', date: '2024-02-20', hours: 9, note: '' }],
      weeks: [{ project_id: 'p1', hours: 3.3, target: 10 }],
      today: '2024-03-06',
    });
    expect(screen.getAllByTestId('project-week').map((e) => e.textContent)).toEqual([
      '3.3 / 10 h this week',
      '0 / 2 h this week',
    ]);
  });
});
