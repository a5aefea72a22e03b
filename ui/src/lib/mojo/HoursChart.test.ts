import { render, screen } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import HoursChart from './HoursChart.svelte';

describe('the hours chart', () => {
  it('draws one bar per week and the target line', async () => {
    let asked: unknown;
    mockIPC((cmd, args) => {
      if (cmd === 'hours_per_week') {
        asked = args;
        return [
          ['2024-02-19', 12],
          ['2024-02-26', 0],
          ['2024-03-04', 21.5],
        ];
      }
      return null;
    });
    render(HoursChart, { props: { projectId: 'p1', target: 20, name: 'Open-source CLI' } });
    const chart = await screen.findByTestId('hours-chart');
    expect(asked).toEqual({ projectId: 'p1' });
    expect(chart.querySelectorAll('[data-testid="chart-bar"]')).toHaveLength(3);
    const target = chart.querySelectorAll('[data-testid="chart-target"]');
    expect(target).toHaveLength(1);
    // The line is horizontal and the tallest bar reaches above it.
    const line = target[0];
    expect(line.getAttribute('y1')).toBe(line.getAttribute('y2'));
    const bars = [...chart.querySelectorAll('[data-testid="chart-bar"]')];
    expect(Number(bars[2].getAttribute('y'))).toBeLessThan(Number(line.getAttribute('y1')));
    expect(Number(bars[0].getAttribute('y'))).toBeGreaterThan(Number(line.getAttribute('y1')));
  });
});
