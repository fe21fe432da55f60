import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../support/probe-video.ts';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { pollRun } from '../support/scene-client.ts';

// A batch's recordVideo: each execution keeps a playable WebM video artifact (CDP screencast
// encoded by Debian's ffmpeg), shown in the viewer; a batch without it records none.

describe('execution videos per batch', () => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness('sqlite');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('records a playable video of each execution when the batch asks, none otherwise', async () => {
    const { api, site } = h;
    const project = await api.createProject({ name: 'videos' });
    const menu = await api.createPage(project.id, {
      name: 'menu',
      url: site.url + fixturePaths.menu,
      actions: [{ type: 'click', selector: '#menu-button' }],
    });
    const batchOf = (name: string, recordVideo?: boolean) =>
      api.createBatch(project.id, {
        name,
        pageIds: [menu.id],
        browsers: ['chromium'],
        viewports: ['desktop'],
        ...(recordVideo !== undefined && { recordVideo }),
      });
    const withVideo = await batchOf('with video', true);
    expect(withVideo.recordVideo).toBe(true);
    const without = await batchOf('without video');
    expect(without.recordVideo).toBe(false);

    const run = await pollRun(api, (await api.launchRun(withVideo.id, { mode: 'baseline' })).id);
    expect(run.status).toBe('finished');
    const [cell] = await api.listExecutions(run.id);
    expect(cell?.artifacts.video).toMatch(/^\/api\/v1\/artifacts\/.+\.webm$/);
    const video = await h.t.server.inject({ url: cell?.artifacts.video ?? '' });
    expect(video.statusCode).toBe(200);
    expect(video.headers['content-type']).toBe('video/webm');
    const probed = await probeVideo(video.rawPayload);
    expect(probed.duration).toBeGreaterThan(0);
    expect(probed.frames).toBeGreaterThan(0);
    const viewer = await h.t.server.inject({ url: `/executions/${cell?.id ?? ''}` });
    expect(viewer.body).toMatch(new RegExp(`<video src="${cell?.artifacts.video ?? ''}" controls`));

    const plain = await pollRun(api, (await api.launchRun(without.id, { mode: 'baseline' })).id);
    const [plainCell] = await api.listExecutions(plain.id);
    expect(plainCell?.status).toBe('finished');
    expect(plainCell?.artifacts.video).toBeUndefined();
    const plainViewer = await h.t.server.inject({ url: `/executions/${plainCell?.id ?? ''}` });
    expect(plainViewer.body).not.toContain('<video');
  }, 120_000);
});
