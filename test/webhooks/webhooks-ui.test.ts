import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from '../../src/webhooks/deliverer.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signing.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';
import { api, fastDelivery, TestReceiver, waitFor } from './support.ts';

describe('webhooks UI', () => {
  let scene: ListeningScene;
  let browser: Browser;
  let receiver: TestReceiver;
  let deliverer: WebhookDeliverer;

  beforeAll(async () => {
    scene = await startListeningScene();
    browser = await launchChromium();
    receiver = await TestReceiver.start();
    deliverer = new WebhookDeliverer(scene.app, fastDelivery);
    deliverer.start();
  });
  afterAll(async () => {
    await deliverer?.stop();
    await browser?.close();
    await receiver?.stop();
    await scene?.close();
  });

  it('creates a webhook showing its secret once, pings, filters and redelivers, rotates, disables and deletes it', async () => {
    const projectId = await api(scene.server).createProject('Hooks');
    const { page, errors } = await openPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: scene.url,
    });
    await page.goto(`${scene.url}/projects/${projectId}/webhooks`);
    await page.getByText('No webhooks yet').waitFor();

    // Validation errors appear at the field.
    await page.getByRole('button', { name: 'New webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'New webhook' });
    await dialog.getByLabel('Payload URL').fill('ftp://example.com/hook');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.getByText('must be an absolute http(s) URL').waitFor();
    await expect(dialog.getByLabel('Payload URL').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );

    // The secret is shown once, with a copy button.
    await dialog.getByLabel('Payload URL').fill(receiver.url('/ui'));
    await dialog.getByLabel('Description (optional)').fill('CI <b>notifier</b>');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    const created = page.getByRole('dialog', { name: 'Webhook created' });
    await created.waitFor();
    const secret = await created.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await created.getByRole('button', { name: 'Copy secret' }).click();
    await created.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(secret);
    await created.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    const row = page.getByRole('row').filter({ hasText: receiver.url('/ui') });
    await row.getByText('CI <b>notifier</b>').waitFor();
    await expect(row.getByText('all events').isVisible()).resolves.toBe(true);
    await expect(row.getByText('Active').isVisible()).resolves.toBe(true);
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    expect(await page.content()).not.toContain(secret);

    // Ping, then the delivery log.
    await page.getByRole('button', { name: `Send a test ping to ${receiver.url('/ui')}` }).click();
    await page.getByRole('status').filter({ hasText: 'Ping queued' }).waitFor();
    const ping = await waitFor('the ping', () =>
      receiver.successes().find((r) => r.event === 'ping'),
    );
    expect(verifyWebhookSignature(secret, ping.signature, ping.body)).toBe(true);
    await page.getByRole('link', { name: `Deliveries of ${receiver.url('/ui')}` }).click();
    await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
    const deliveryRow = page.getByRole('row').filter({ hasText: 'ping' });
    // The list refreshes itself while a delivery is pending.
    await deliveryRow.getByText('Succeeded').waitFor();
    await deliveryRow.getByText('ping').first().click();
    await deliveryRow.getByRole('cell', { name: 'HTTP 200' }).first().waitFor();
    await expect(deliveryRow.getByText(ping.deliveryId).isVisible()).resolves.toBe(true);

    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No failed deliveries').waitFor();
    expect(page.url()).toContain('status=failed');
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('row').filter({ hasText: 'ping' }).first().waitFor();

    await page.getByRole('button', { name: /^Redeliver ping/ }).click();
    await page.getByRole('status').filter({ hasText: 'Redelivery of ping queued' }).waitFor();
    await waitFor('the redelivery', () => receiver.successes().length === 2);
    await page.reload();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'ping' }).count()).toBe(2);

    // Rotate: a new secret, shown once.
    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.getByRole('button', { name: `Rotate the secret of ${receiver.url('/ui')}` }).click();
    await page
      .getByRole('dialog', { name: 'Are you sure?' })
      .getByRole('button', { name: 'Rotate secret' })
      .click();
    const rotated = page.getByRole('dialog', { name: 'New signing secret' });
    await rotated.waitFor();
    const newSecret = await rotated.getByLabel('Signing secret').inputValue();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await rotated.getByRole('button', { name: 'Done' }).click();

    // Edit: deactivate.
    await page.getByRole('button', { name: `Edit webhook ${receiver.url('/ui')}` }).click();
    const edit = page.getByRole('dialog', { name: 'Edit webhook' });
    await edit.getByLabel('Active').uncheck();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Webhook saved' }).waitFor();
    await row.getByText('Inactive').waitFor();

    await page.getByRole('button', { name: `Delete webhook ${receiver.url('/ui')}` }).click();
    await page
      .getByRole('dialog', { name: 'Are you sure?' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await page.getByText('No webhooks yet').waitFor();

    const logs = scene.logs.join('\n');
    expect(logs).not.toContain(secret);
    expect(logs).not.toContain(newSecret);
    expect(errors).toEqual([]);
  });
});
