import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
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

describe('projects and their hours', () => {
  const garden = { id: 'p1', name: 'Garden app', weekly_target_hours: 10, notes: '', started_on: '2024-03-01', archived: false, version: 'v2' };
  const log = (id: string, date: string, hours: number, version = `v-${id}`) => ({ id, project_id: 'p1', date, hours, note: '', version });
  const props = (logs: ReturnType<typeof log>[] = []) => ({ projects: [{ ...garden }], logs, weeks: [], today: '2024-03-06' });
  const writes = (be: ReturnType<typeof fakeBackend>) =>
    be.calls.filter((c) => ['save_record', 'delete_record', 'log_hours'].includes(c.cmd));

  it('adds a project and logs hours from their buttons', async () => {
    const be = fakeBackend();
    render(Projects, { projects: [], logs: [], weeks: [], today: '2024-03-06' });
    expect(screen.queryByTestId('project-name')).toBeNull();
    await fireEvent.click(screen.getByTestId('project-add'));
    await fireEvent.input(screen.getByTestId('project-name'), { target: { value: 'Blog' } });
    await fireEvent.click(screen.getByTestId('project-save'));
    await waitFor(() => expect(screen.queryByTestId('project-dialog')).toBeNull());
    expect(be.calls.find((c) => c.cmd === 'save_record')?.args).toEqual({
      kind: 'project',
      record: { name: 'Blog', weekly_target_hours: 20, notes: '', started_on: '2024-03-06', archived: false },
    });
  });

  it('logs hours on the project shown', async () => {
    const be = fakeBackend();
    render(Projects, props());
    await fireEvent.click(screen.getByTestId('hours-add'));
    await fireEvent.input(screen.getByTestId('hours-input'), { target: { value: '2.5' } });
    await fireEvent.click(screen.getByTestId('log-hours'));
    await waitFor(() => expect(screen.queryByTestId('hours-dialog')).toBeNull());
    expect(be.calls.find((c) => c.cmd === 'log_hours')?.args.log).toEqual({
      id: '',
      project_id: 'p1',
      date: '2024-03-06',
      hours: 2.5,
      note: '',
    });
  });

  it('edits a project on the version it was loaded with, sending the changed field', async () => {
    const be = fakeBackend();
    render(Projects, props());
    await fireEvent.click(screen.getByTestId('project-edit'));
    const target = screen.getByTestId('project-target') as HTMLInputElement;
    expect(target.value).toBe('10');
    await fireEvent.input(target, { target: { value: '12' } });
    await fireEvent.click(screen.getByTestId('project-save'));
    await waitFor(() => expect(screen.queryByTestId('project-dialog')).toBeNull());
    expect(writes(be).map((c) => c.args)).toEqual([{ kind: 'project', record: { ...garden, weekly_target_hours: 12 } }]);
  });

  it("shows a project's logs newest first, a few, and all on asking", async () => {
    fakeBackend();
    const logs = Array.from({ length: 7 }, (_, i) => log(`t${i}`, `2024-02-2${i}`, i + 1));
    render(Projects, props(logs));
    const shown = screen.getAllByTestId('hours-item');
    expect(shown).toHaveLength(5);
    expect(shown[0].textContent).toContain('7 h');
    await fireEvent.click(screen.getByTestId('hours-show-all'));
    expect(screen.getAllByTestId('hours-item')).toHaveLength(7);
  });

  it('corrects logged hours on the version they were loaded with', async () => {
    const be = fakeBackend();
    render(Projects, props([log('t1', '2024-03-04', 3, 'v8')]));
    await fireEvent.click(screen.getByTestId('hours-edit'));
    const input = screen.getByTestId('hours-input') as HTMLInputElement;
    expect(input.value).toBe('3');
    await fireEvent.input(input, { target: { value: '1.5' } });
    await fireEvent.click(screen.getByTestId('log-hours'));
    await waitFor(() => expect(screen.queryByTestId('hours-dialog')).toBeNull());
    expect(writes(be).map((c) => c.args)).toEqual([
      { kind: 'timelog', record: { id: 't1', project_id: 'p1', date: '2024-03-04', hours: 1.5, note: '', version: 'v8' } },
    ]);
  });

  it('deletes a project or hours only once the person confirms', async () => {
    const be = fakeBackend();
    render(Projects, props([log('t1', '2024-03-04', 3)]));
    await fireEvent.click(screen.getByTestId('hours-delete'));
    expect(writes(be)).toEqual([]);
    await fireEvent.click(screen.getByTestId('hours-delete-confirm'));
    await waitFor(() => expect(writes(be).map((c) => c.args)).toEqual([{ kind: 'timelog', id: 't1' }]));

    await fireEvent.click(screen.getByTestId('project-delete'));
    expect(screen.getByTestId('projects-delete-dialog').textContent).toContain('Garden app');
    await fireEvent.click(screen.getByTestId('project-delete-confirm'));
    await waitFor(() => expect(writes(be).map((c) => c.args)).toContainEqual({ kind: 'project', id: 'p1' }));
  });

  it('does nothing when an edit or a delete is cancelled', async () => {
    const be = fakeBackend();
    render(Projects, props([log('t1', '2024-03-04', 3)]));
    await fireEvent.click(screen.getByTestId('project-edit'));
    await fireEvent.input(screen.getByTestId('project-name'), { target: { value: 'Other' } });
    await fireEvent.click(screen.getByTestId('project-cancel'));
    await fireEvent.click(screen.getByTestId('hours-edit'));
    await fireEvent.click(screen.getByTestId('hours-cancel'));
    await fireEvent.click(screen.getByTestId('project-delete'));
    await fireEvent.click(screen.getByTestId('project-delete-cancel'));
    await fireEvent.click(screen.getByTestId('hours-delete'));
    await fireEvent.click(screen.getByTestId('hours-delete-cancel'));
    expect(screen.queryByTestId('projects-delete-dialog')).toBeNull();
    expect(writes(be)).toEqual([]);
  });
});
