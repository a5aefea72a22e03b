import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, seed, type FakeBackend } from '../../test/backend';
import EntryPhotos from './EntryPhotos.svelte';

// jsdom has no blob: URLs; these stand in and remember which are still in use.
let live: Set<string>;
beforeEach(() => {
  live = new Set();
  let n = 0;
  URL.createObjectURL = vi.fn(() => {
    const url = `blob:photo-${++n}`;
    live.add(url);
    return url;
  });
  URL.revokeObjectURL = vi.fn((url: string) => void live.delete(url));
});
afterEach(() => vi.restoreAllMocks());

const entry = { id: 'e1', date: '2024-03-04', text: 'The beach', tags: [], created_ms: 1 };

function attachment(id: string, name: string, media_type: string, present: boolean, size = 12_000) {
  return { id, entry: 'e1', date: '2024-03-04', name, media_type, size, sha256: 'a'.repeat(64), added_ms: 1, present };
}

function withPhotos(): FakeBackend {
  const be = fakeBackend();
  seed(be, 'entry', [entry]);
  seed(be, 'attachment', [
    attachment('p1', 'beach.jpg', 'image/jpeg', true),
    attachment('p2', 'sunset.jpg', 'image/jpeg', false),
    attachment('f1', 'tickets.pdf', 'application/pdf', true),
  ]);
  be.files.set('p1', new Uint8Array([1, 2, 3]));
  be.files.set('f1', new Uint8Array([4]));
  return be;
}

const photos = () => screen.queryAllByTestId('entry-photo');
const thumbs = () => photos().map((t) => t.querySelector('img')?.getAttribute('src'));

describe("an entry's photos", () => {
  it('shows each photo as a thumbnail, a file as a named chip, and a placeholder for one on its way', async () => {
    const be = withPhotos();
    render(EntryPhotos, { entryId: 'e1' });
    await waitFor(() => expect(thumbs()).toEqual(['blob:photo-1']));
    expect(screen.getByAltText('beach.jpg')).toBeTruthy();
    const placeholder = screen.getByTestId('entry-photo-placeholder');
    expect(placeholder.textContent).toContain('On its way from your other device');
    const chip = screen.getByTestId('entry-file');
    expect(chip.textContent).toContain('tickets.pdf');
    expect(chip.textContent).toContain('12 kB');
    // Only the photo that is here is read, and only once.
    const reads = be.calls.filter((c) => c.cmd === 'attachment_bytes').map((c) => c.args.id);
    expect(reads).toEqual(['p1']);
  });

  it('shows a photo larger on a tap', async () => {
    withPhotos();
    render(EntryPhotos, { entryId: 'e1' });
    await waitFor(() => expect(thumbs()).toEqual(['blob:photo-1']));
    await fireEvent.click(screen.getByLabelText('Show beach.jpg larger'));
    const viewer = screen.getByTestId('photo-viewer');
    expect(viewer.querySelector('img')?.getAttribute('src')).toBe('blob:photo-1');
    await fireEvent.click(screen.getByText('Close'));
    expect(screen.queryByTestId('photo-viewer')).toBeNull();
  });

  it('turns the placeholder into the photo when the vault says its bytes arrived', async () => {
    const be = withPhotos();
    render(EntryPhotos, { entryId: 'e1' });
    await waitFor(() => expect(photos()).toHaveLength(1));
    be.records.get('attachment')!.get('p2')!.present = true;
    be.files.set('p2', new Uint8Array([9]));
    await emit('vault-changed', { kinds: ['attachment'], records: [{ kind: 'attachment', id: 'p2' }] });
    await waitFor(() => expect(thumbs()).toEqual(['blob:photo-1', 'blob:photo-2']));
    expect(screen.queryByTestId('entry-photo-placeholder')).toBeNull();
    // The photo already shown was not read again.
    expect(be.calls.filter((c) => c.cmd === 'attachment_bytes').map((c) => c.args.id)).toEqual(['p1', 'p2']);
  });

  it('adds a photo: asks the core whether it fits, then sends its bytes raw with the entry and name', async () => {
    const be = fakeBackend();
    seed(be, 'entry', [entry]);
    render(EntryPhotos, { entryId: 'e1' });
    const input = screen.getByTestId('entry-photo-input') as HTMLInputElement;
    const file = new File([new Uint8Array([1, 2, 3, 4, 5])], 'Plage à Nice.jpg', { type: 'image/jpeg' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await fireEvent.change(input);

    await waitFor(() => expect(photos()).toHaveLength(1));
    const cmds = be.calls.map((c) => c.cmd).filter((c) => c === 'attachment_fits' || c === 'attach');
    expect(cmds).toEqual(['attachment_fits', 'attach']);
    expect(be.calls.find((c) => c.cmd === 'attachment_fits')!.args).toEqual({ name: 'Plage à Nice.jpg', size: 5 });
    const sent = be.calls.find((c) => c.cmd === 'attach')!.args as { body: Uint8Array; headers: Record<string, string> };
    expect([...sent.body]).toEqual([1, 2, 3, 4, 5]);
    expect(sent.headers).toEqual({
      'entry-id': 'e1',
      'file-name': 'Plage%20%C3%A0%20Nice.jpg',
      'media-type': 'image%2Fjpeg',
    });
    expect(await screen.findByAltText('Plage à Nice.jpg')).toBeTruthy();
  });

  it("refuses a file the core says is too large, in the core's words, without sending it", async () => {
    const be = fakeBackend();
    seed(be, 'entry', [entry]);
    const words = 'size: film.mov is 60.0 MB, over the 50 MB a file on an entry may be; attach a smaller copy';
    be.fixtures.attachment_fits = () => {
      throw { code: 'invalid', message: words };
    };
    render(EntryPhotos, { entryId: 'e1' });
    const input = screen.getByTestId('entry-photo-input') as HTMLInputElement;
    const film = new File([new Uint8Array(8)], 'film.mov', { type: 'video/quicktime' });
    const read = vi.spyOn(film, 'arrayBuffer');
    Object.defineProperty(input, 'files', { value: [film], configurable: true });
    await fireEvent.change(input);

    await waitFor(() => expect(screen.getByTestId('entry-photo-error').textContent).toBe(words));
    expect(read).not.toHaveBeenCalled();
    expect(be.calls.some((c) => c.cmd === 'attach')).toBe(false);
    expect(photos()).toHaveLength(0);
  });

  it('removes a photo only after asking, and lets go of its thumbnail', async () => {
    const be = withPhotos();
    render(EntryPhotos, { entryId: 'e1' });
    await waitFor(() => expect(thumbs()).toEqual(['blob:photo-1']));

    // "Keep it" keeps it.
    await fireEvent.click(screen.getAllByTestId('entry-remove-photo')[0]);
    await fireEvent.click(screen.getByText('Keep it'));
    expect(be.calls.some((c) => c.cmd === 'detach')).toBe(false);

    await fireEvent.click(screen.getAllByTestId('entry-remove-photo')[0]);
    expect(screen.getByRole('dialog').textContent).toContain('beach.jpg comes off this entry');
    await fireEvent.click(screen.getByTestId('entry-remove-photo-confirm'));
    await waitFor(() => expect(photos()).toHaveLength(0));
    expect(be.calls.find((c) => c.cmd === 'detach')!.args).toEqual({ id: 'p1' });
    expect(be.records.get('attachment')!.has('p1')).toBe(false);
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:photo-1');
    expect(live.size).toBe(0);
  });

  it("shows the core's refusal when a photo cannot be removed", async () => {
    const be = withPhotos();
    be.override.detach = () => {
      throw { code: 'not_found', message: 'no attachment with id p1; it was removed on another device' };
    };
    render(EntryPhotos, { entryId: 'e1' });
    await waitFor(() => expect(photos()).toHaveLength(1));
    await fireEvent.click(screen.getAllByTestId('entry-remove-photo')[0]);
    await fireEvent.click(screen.getByTestId('entry-remove-photo-confirm'));
    await waitFor(() =>
      expect(screen.getByTestId('entry-photo-error').textContent).toContain('removed on another device'),
    );
  });
});
