import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// CI shares two cores with the Rust build: give async UI a little more room than 1 s.
configure({ asyncUtilTimeout: 3000 });

afterEach(() => {
  cleanup();
  window.sessionStorage.clear();
  window.localStorage.clear();
});

// jsdom has no layout; CodeMirror measures text through ranges.
if (typeof Range !== 'undefined') {
  const empty = () => ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
  const rect = () => ({ x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0, toJSON: () => ({}) }) as DOMRect;
  if (typeof Range.prototype.getClientRects !== 'function') Range.prototype.getClientRects = empty;
  if (typeof Range.prototype.getBoundingClientRect !== 'function') Range.prototype.getBoundingClientRect = rect;
}
if (!Element.prototype.scrollIntoView) {
  Element.prototype.scrollIntoView = () => {};
}
// The router restores scroll positions; jsdom has no scrolling.
window.scrollTo = () => {};

// jsdom has no layout: a virtualised list's scroller (marked data-virtual-scroll) reports a
// viewport of 600 px, so the virtualiser renders the rows that would fit.
for (const [prop, size] of [
  ['clientHeight', 600],
  ['clientWidth', 1000],
] as const) {
  const original = Object.getOwnPropertyDescriptor(Element.prototype, prop);
  Object.defineProperty(HTMLElement.prototype, prop, {
    configurable: true,
    get(this: HTMLElement) {
      if (this.hasAttribute('data-virtual-scroll')) return size;
      return original?.get ? (original.get.call(this) as number) : 0;
    },
  });
}
