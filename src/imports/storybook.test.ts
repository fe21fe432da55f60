import { describe, expect, it } from 'vitest';
import { isStoryPageOf, readStorybookIndex, storybookBaseOf, storyUrlOf } from './storybook.ts';

describe('Storybook import helpers', () => {
  it('finds the Storybook base from its root, manager or preview URL', () => {
    for (const url of [
      'https://design.example.com/sb',
      'https://design.example.com/sb/',
      'https://design.example.com/sb/index.html?path=/story/button--primary',
      'https://design.example.com/sb/iframe.html?id=button--primary#x',
    ]) {
      expect(storybookBaseOf(url)).toBe('https://design.example.com/sb/');
    }
    const url = storyUrlOf('https://design.example.com/sb/', 'forms-input--with label');
    expect(url).toBe(
      'https://design.example.com/sb/iframe.html?id=forms-input--with%20label&viewMode=story',
    );
    expect(isStoryPageOf('https://design.example.com/sb/', url)).toBe(true);
    expect(isStoryPageOf('https://design.example.com/other/', url)).toBe(false);
  });

  it('reads Storybook 6 stories.json (v3), docs-only entries marked as docs', () => {
    const entries = readStorybookIndex({
      v: 3,
      stories: {
        'button--primary': {
          id: 'button--primary',
          kind: 'Button',
          story: 'Primary',
          parameters: { docsOnly: false },
        },
        'intro--page': {
          id: 'intro--page',
          title: 'Intro',
          name: 'Page',
          parameters: { docsOnly: true },
        },
      },
    });
    expect(entries).toEqual([
      { id: 'button--primary', title: 'Button', name: 'Primary', type: 'story', tags: [] },
      { id: 'intro--page', title: 'Intro', name: 'Page', type: 'docs', tags: [] },
    ]);
    expect(() => readStorybookIndex({ v: 5 })).toThrow(/not a Storybook index/);
  });
});
