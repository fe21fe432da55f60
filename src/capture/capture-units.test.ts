import { describe, expect, it } from 'vitest';
import { describeAction } from './actions.ts';
import { isTransientFailure, shortMessage } from './capture-error.ts';
import { pngSize } from './screenshot.ts';
import { stabilityCss } from './stability.ts';

describe('describeAction', () => {
  it('names a step the way a user wrote it', () => {
    expect(describeAction({ type: 'click', selector: '#menu' })).toBe('click "#menu"');
    // Typed text and cookie or storage values may be secrets: never shown.
    expect(describeAction({ type: 'type', selector: '#password', value: 'hunter2' })).toBe(
      'type "#password" (7 characters)',
    );
    expect(describeAction({ type: 'scroll' })).toBe('scroll to bottom');
    expect(describeAction({ type: 'waitForTimeout', ms: 250 })).toBe('waitForTimeout 250 ms');
    expect(describeAction({ type: 'setCookie', value: 'session=secret' })).toBe(
      'setCookie session',
    );
  });
});

describe('stabilityCss', () => {
  it('emits only what is switched on, one rule per removed selector', () => {
    expect(stabilityCss({ suppressAnimations: false, hideCaret: false, removeSelectors: [] })).toBe(
      '',
    );
    const css = stabilityCss({
      suppressAnimations: true,
      hideCaret: true,
      removeSelectors: ['#banner', '.consent'],
    });
    expect(css).toContain('animation-duration: 0s !important');
    expect(css).toContain('transition: none !important');
    expect(css).toContain('caret-color: transparent !important');
    expect(css).toContain('#banner { display: none !important; }');
    expect(css).toContain('.consent { display: none !important; }');
  });
});

describe('capture errors', () => {
  it('recognises transient browser failures', () => {
    expect(
      isTransientFailure(new Error('page.goto: Target page, context or browser has been closed')),
    ).toBe(true);
    expect(isTransientFailure(new Error('read ECONNRESET'))).toBe(true);
    expect(isTransientFailure(new Error('Timeout 500ms exceeded.'))).toBe(false);
  });

  it('keeps the first line of Playwright messages without the API prefix', () => {
    expect(
      shortMessage(new Error('locator.click: Timeout 500ms exceeded.\nCall log:\n  - waiting')),
    ).toBe('Timeout 500ms exceeded.');
  });
});

describe('pngSize', () => {
  it('reads the size from the header and rejects non-PNG data', () => {
    const header = Buffer.alloc(24);
    Buffer.from('89504e470d0a1a0a', 'hex').copy(header);
    header.writeUInt32BE(1280, 16);
    header.writeUInt32BE(5000, 20);
    expect(pngSize(header)).toEqual({ width: 1280, height: 5000 });
    expect(() => pngSize(Buffer.from('not a png at all, really'))).toThrow('not a PNG');
  });
});
