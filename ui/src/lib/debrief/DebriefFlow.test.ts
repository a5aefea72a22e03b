import { fireEvent, render, screen } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it, vi } from 'vitest';
import { fakeBackend, seed } from '../../test/backend';
import DebriefView from '../../views/DebriefView.svelte';
import { blankDebrief } from './blank';

const debrief = {
  ...blankDebrief('Leaving Acme', 'let_go', '2024-03-01'),
  id: 'd1',
  unload: 'It hurt.',
  version: 'v5',
};

describe('the debrief flow with another device', () => {
  it('saves on the version it opened and then on the one each save came back with', async () => {
    vi.useFakeTimers();
    const be = fakeBackend();
    seed(be, 'debrief', [{ ...debrief }]);
    render(DebriefView, { params: ['d1'] });
    const unload = (await vi.waitFor(() => screen.getByTestId('debrief-unload'))) as HTMLTextAreaElement;

    await fireEvent.input(unload, { target: { value: 'It hurt. A lot.' } });
    await vi.advanceTimersByTimeAsync(1600);
    const saves = () => be.calls.filter((c) => c.cmd === 'save_record').map((c) => c.args.record as Record<string, unknown>);
    expect(saves()).toHaveLength(1);
    expect(saves()[0]).toMatchObject({ unload: 'It hurt. A lot.', version: 'v5' });
    const next = be.records.get('debrief')?.get('d1')?.version;

    await fireEvent.input(unload, { target: { value: 'It hurt. A lot. Less now.' } });
    await vi.advanceTimersByTimeAsync(1600);
    expect(saves()).toHaveLength(2);
    expect(saves()[1]).toMatchObject({ version: next });
  });

  it('shows what another device wrote when nothing is waiting to be saved', async () => {
    vi.useFakeTimers();
    const be = fakeBackend();
    seed(be, 'debrief', [{ ...debrief }]);
    render(DebriefView, { params: ['d1'] });
    const unload = (await vi.waitFor(() => screen.getByTestId('debrief-unload'))) as HTMLTextAreaElement;

    seed(be, 'debrief', [{ ...debrief, unload: 'Honestly, it hurt.', version: 'v9' }]);
    await emit('vault-changed', { kinds: ['debrief'], records: [{ kind: 'debrief', id: 'd1' }] });
    await vi.advanceTimersByTimeAsync(50);
    expect(unload.value).toBe('Honestly, it hurt.');
    // Taking it in is not an edit: nothing is saved back.
    await vi.advanceTimersByTimeAsync(2000);
    expect(be.calls.filter((c) => c.cmd === 'save_record')).toHaveLength(0);
  });
});
