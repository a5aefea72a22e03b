// Runs a function once input has paused for `ms` milliseconds; `flush` runs a pending
// call at once (used when leaving a screen so nothing typed is lost).

export interface Debounced {
  (): void;
  flush(): void;
  cancel(): void;
  readonly pending: boolean;
}

export function debounce(fn: () => void, ms: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (() => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  }) as Debounced;
  run.flush = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
      fn();
    }
  };
  run.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  Object.defineProperty(run, 'pending', { get: () => timer !== undefined });
  return run;
}
