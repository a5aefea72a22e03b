// Data that a screen shows and keeps fresh: loaded once when the component starts, and
// again whenever the vault reports a change to one of `kinds`. The last value stays on
// screen while a reload runs, so nothing blanks out or spins.

import { IpcError, onVaultChanged, toIpcError } from './ipc';

export interface Live<T> {
  readonly value: T;
  readonly error: IpcError | null;
  readonly loaded: boolean;
  refresh(): Promise<void>;
}

export function live<T>(kinds: readonly string[], load: () => Promise<T>, initial: T): Live<T> {
  let value = $state.raw(initial);
  let error = $state<IpcError | null>(null);
  let loaded = $state(false);
  let seq = 0;

  async function refresh(): Promise<void> {
    const mine = ++seq;
    try {
      const v = await load();
      if (mine === seq) {
        value = v;
        error = null;
      }
    } catch (e) {
      if (mine === seq) error = toIpcError(e);
    } finally {
      if (mine === seq) loaded = true;
    }
  }

  $effect(() => {
    void refresh();
    return onVaultChanged((changed) => {
      if (changed.length === 0 || changed.some((k) => kinds.includes(k))) void refresh();
    });
  });

  return {
    get value() {
      return value;
    },
    get error() {
      return error;
    },
    get loaded() {
      return loaded;
    },
    refresh,
  };
}
