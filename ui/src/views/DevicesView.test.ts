import { emit } from '@tauri-apps/api/event';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../test/backend';
import type { PeerReport } from '../lib/types';
import DevicesView from './DevicesView.svelte';

const ME = 'a'.repeat(64);
const PHONE = 'b'.repeat(64);
const TICKET = 'CB1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

function report(over: Partial<PeerReport> = {}): PeerReport {
  return {
    id: PHONE,
    name: 'Phone',
    ok: true,
    refused: false,
    error: null,
    sent: 100,
    received: 4096,
    wire_sent: 200,
    wire_received: 5000,
    millis: 40,
    files: null,
    ...over,
  };
}

describe('the Devices screen', () => {
  it('says in one line that sync is direct, with no server', async () => {
    fakeBackend();
    render(DevicesView);
    expect(screen.getByTestId('devices-intro').textContent).toContain('nothing passes through a server');
    const rows = await screen.findAllByTestId('device-row');
    expect(rows).toHaveLength(1);
    expect(within(rows[0]).getByTestId('this-device-badge')).toBeTruthy();
  });

  it('shows a ticket as a QR code and as copyable text with a countdown', async () => {
    const be = fakeBackend();
    be.override.devices_invite = () => ({
      ticket: TICKET,
      expires: Math.floor(Date.now() / 1000) + 300,
      qr_svg: SVG,
    });
    render(DevicesView);
    await fireEvent.click(screen.getByTestId('devices-invite'));
    const qr = await screen.findByTestId('invite-qr');
    expect(qr.querySelector('svg')).not.toBeNull();
    expect(screen.getByTestId('invite-ticket').textContent).toBe(TICKET);
    expect(screen.getByTestId('invite-copy').textContent).toContain('Copy');
    expect(screen.getByTestId('invite-countdown').textContent).toMatch(/[45]:\d\d more/);
  });

  it('shows the check code of a device that wants in, and Pair answers yes', async () => {
    const be = fakeBackend();
    be.override.devices_invite = () => ({
      ticket: TICKET,
      expires: Math.floor(Date.now() / 1000) + 300,
      qr_svg: SVG,
    });
    be.override.devices_answer = () => report();
    render(DevicesView);
    await fireEvent.click(screen.getByTestId('devices-invite'));
    await screen.findByTestId('invite-qr');

    await emit('pair-request', { device_id: PHONE, name: 'Phone', code: '482913' });
    const code = await screen.findByTestId('pair-code');
    expect(code.textContent).toBe('482913');
    expect(screen.getByTestId('pair-request').textContent).toContain('Phone');

    await fireEvent.click(screen.getByTestId('pair-accept'));
    const done = await screen.findByTestId('pair-done');
    expect(done.textContent).toContain('Paired with Phone');
    expect(be.calls.filter((c) => c.cmd === 'devices_answer')).toEqual([
      { cmd: 'devices_answer', args: { accept: true } },
    ]);
    expect(screen.queryByTestId('pair-code')).toBeNull();
  });

  it('Cancel answers no', async () => {
    const be = fakeBackend();
    be.override.devices_invite = () => ({ ticket: TICKET, expires: Math.floor(Date.now() / 1000) + 300, qr_svg: SVG });
    be.override.devices_answer = () => null;
    render(DevicesView);
    await fireEvent.click(screen.getByTestId('devices-invite'));
    await screen.findByTestId('invite-qr');
    await emit('pair-request', { device_id: PHONE, name: 'Phone', code: '482913' });
    await fireEvent.click(await screen.findByTestId('pair-decline'));
    await screen.findByTestId('pair-done');
    expect(be.calls.find((c) => c.cmd === 'devices_answer')?.args).toEqual({ accept: false });
  });

  it('joins with a ticket: shows the code and what is shared, and goes on only after Confirm', async () => {
    const be = fakeBackend();
    let finish: (r: PeerReport) => void = () => {};
    let decline: (e: unknown) => void = () => {};
    be.override.devices_join = () => {
      void emit('pair-code', {
        code: '105 377',
        inviter_id: PHONE,
        inviter_name: 'Laptop',
        shares: { entries: 12, other_records: 3, devices: 0 },
        // The core's sentence (api::shares_sentence), as the joining device fills it in.
        shares_text:
          "Joining shares this device's journal (12 entries, 3 other records) with Laptop (bbbbbbbb), and brings its journal here.",
      });
      return new Promise<PeerReport>((resolve, reject) => {
        finish = resolve;
        decline = reject;
      });
    };
    be.override.devices_join_answer = (args) => {
      if (args.accept) setTimeout(() => finish(report({ name: 'Laptop', received: 8192 })), 0);
      else setTimeout(() => decline({ code: 'refused', message: 'you declined the pairing; nothing was shared' }), 0);
      return null;
    };
    render(DevicesView);
    await fireEvent.input(screen.getByTestId('join-ticket'), { target: { value: `  ${TICKET}\n` } });
    await fireEvent.click(screen.getByTestId('join-submit'));

    const code = await screen.findByTestId('join-code');
    expect(code.textContent).toBe('105 377');
    expect(screen.getByTestId('join-shares').textContent).toBe(
      "Joining shares this device's journal (12 entries, 3 other records) with Laptop (bbbbbbbb), and brings its journal here.",
    );
    expect(be.calls.find((c) => c.cmd === 'devices_join')?.args).toEqual({ ticket: TICKET });
    // Without an answer nothing goes on.
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('join-result')).toBeNull();
    expect(be.calls.some((c) => c.cmd === 'devices_join_answer')).toBe(false);

    await fireEvent.click(screen.getByTestId('join-confirm'));
    expect(be.calls.filter((c) => c.cmd === 'devices_join_answer')).toEqual([
      { cmd: 'devices_join_answer', args: { accept: true } },
    ]);
    const result = await screen.findByTestId('join-result');
    expect(result.textContent).toContain('Paired with Laptop');
    expect(result.textContent).toContain('8 KB received');
    expect(screen.queryByTestId('join-code')).toBeNull();
  });

  it('Cancel at the code step answers no and says nothing was shared', async () => {
    const be = fakeBackend();
    let decline: (e: unknown) => void = () => {};
    be.override.devices_join = () => {
      void emit('pair-code', {
        code: '105 377',
        inviter_id: PHONE,
        inviter_name: 'Laptop',
        shares: { entries: 1, other_records: 0, devices: 2 },
        shares_text:
          "Joining shares this device's journal (1 entry, 0 other records) with Laptop (bbbbbbbb), and brings its journal here. The 2 other devices this device syncs with will sync with it too.",
      });
      return new Promise<PeerReport>((_, reject) => (decline = reject));
    };
    be.override.devices_join_answer = () => {
      setTimeout(() => decline({ code: 'refused', message: 'you declined the pairing; nothing was shared' }), 0);
      return null;
    };
    render(DevicesView);
    await fireEvent.input(screen.getByTestId('join-ticket'), { target: { value: TICKET } });
    await fireEvent.click(screen.getByTestId('join-submit'));
    const shares = await screen.findByTestId('join-shares');
    expect(shares.textContent).toContain('(1 entry, 0 other records)');
    expect(shares.textContent).toContain('The 2 other devices this device syncs with will sync with it too.');
    await fireEvent.click(screen.getByTestId('join-cancel'));
    expect(be.calls.find((c) => c.cmd === 'devices_join_answer')?.args).toEqual({ accept: false });
    const note = await screen.findByTestId('join-cancelled');
    expect(note.textContent).toContain('Nothing was shared');
    expect(screen.queryByTestId('join-error')).toBeNull();
    expect(screen.queryByTestId('join-result')).toBeNull();
    expect(screen.queryByTestId('join-code')).toBeNull();
  });

  it("shows the backend's message when joining fails", async () => {
    const be = fakeBackend();
    be.override.devices_join = () => {
      throw { code: 'refused', message: 'that ticket has expired; make a new one on the other device' };
    };
    render(DevicesView);
    await fireEvent.input(screen.getByTestId('join-ticket'), { target: { value: TICKET } });
    await fireEvent.click(screen.getByTestId('join-submit'));
    const err = await screen.findByTestId('join-error');
    expect(err.textContent).toBe('that ticket has expired; make a new one on the other device');
  });

  it("shows the backend's message when no ticket can be made", async () => {
    const be = fakeBackend();
    be.override.devices_invite = () => {
      throw { code: 'network', message: 'could not listen on port 4242 (address in use); choose another with --port' };
    };
    render(DevicesView);
    await fireEvent.click(screen.getByTestId('devices-invite'));
    const err = await screen.findByTestId('pair-error');
    expect(err.textContent).toContain('could not listen on port 4242');
  });

  it('asks before removing a device, explains what removal means, then calls devices_revoke', async () => {
    const be = fakeBackend();
    const list = [
      { id: ME, name: 'Laptop', this_device: true, last_seen: null, revoked: false, trusted: true, added_at: 1 },
      { id: PHONE, name: 'Phone', this_device: false, last_seen: Date.now() - 120_000, revoked: false, trusted: true, added_at: 2 },
    ];
    be.override.devices_list = () => list.map((d) => ({ ...d }));
    be.override.devices_revoke = (args) => {
      const d = list.find((x) => x.id === args.id);
      if (d) d.revoked = true;
      return null;
    };
    render(DevicesView);
    const rows = await screen.findAllByTestId('device-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByTestId("device-name").textContent).toBe("Laptop");
    expect(within(rows[1]).getByTestId('device-last-sync').textContent).toBe('last synced 2 min ago');
    expect(within(rows[0]).queryByTestId('device-remove')).toBeNull();

    await fireEvent.click(within(rows[1]).getByTestId('device-remove'));
    const dialog = await screen.findByTestId('remove-dialog');
    expect(dialog.textContent).toContain('Remove Phone?');
    expect(dialog.textContent).toContain('keeps what it already has');
    expect(dialog.textContent).toContain('never sync');
    expect(be.calls.some((c) => c.cmd === 'devices_revoke')).toBe(false);

    await fireEvent.click(screen.getByTestId('remove-confirm'));
    await waitFor(() =>
      expect(be.calls.filter((c) => c.cmd === 'devices_revoke')).toEqual([
        { cmd: 'devices_revoke', args: { id: PHONE } },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId('remove-dialog')).toBeNull());
    await waitFor(() => expect(screen.queryByTestId('device-remove')).toBeNull());
  });

  it('shows a listed device the core does not trust as not trusted, with what to do', async () => {
    const be = fakeBackend();
    be.override.devices_list = () => [
      { id: ME, name: 'Laptop', this_device: true, last_seen: null, revoked: false, trusted: true, added_at: 1 },
      { id: PHONE, name: 'Tablet', this_device: false, last_seen: null, revoked: false, trusted: false, added_at: 2 },
    ];
    render(DevicesView);
    const rows = await screen.findAllByTestId('device-row');
    expect(within(rows[1]).getByTestId('not-trusted').textContent).toBe('not trusted');
    expect(within(rows[1]).getByTestId('device-last-sync').textContent).toContain('pair it again');
    expect(within(rows[0]).queryByTestId('not-trusted')).toBeNull();
  });

  it('keeping the device closes the dialog without removing it', async () => {
    const be = fakeBackend();
    be.override.devices_list = () => [
      { id: ME, name: 'Laptop', this_device: true, last_seen: null, revoked: false, trusted: true, added_at: 1 },
      { id: PHONE, name: 'Phone', this_device: false, last_seen: null, revoked: false, trusted: true, added_at: 2 },
    ];
    render(DevicesView);
    await fireEvent.click(await screen.findByTestId('device-remove'));
    await fireEvent.click(await screen.findByTestId('remove-cancel'));
    expect(screen.queryByTestId('remove-dialog')).toBeNull();
    expect(be.calls.some((c) => c.cmd === 'devices_revoke')).toBe(false);
  });
});
