// What each set-up stage of first run does when the person presses its main button:
// write what they chose, then go on; while writing the button waits, and a refusal (or
// a choice still missing) is shown and the stage stays.

import { toIpcError, type IpcError } from '../ipc';

export class StageSave {
  busy = $state(false);
  error = $state<IpcError | string | null>(null);

  constructor(private readonly onnext: () => void) {}

  /** Runs `write`, then goes on to the next stage; on a refusal stays with its message. */
  async run(write: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await write();
      this.onnext();
    } catch (e) {
      this.error = toIpcError(e);
    } finally {
      this.busy = false;
    }
  }
}
