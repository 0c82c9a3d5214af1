/**
 * An IntersectionObserver for jsdom (which has none): nothing is on screen until a test
 * says `scrollIntoView(element)`. Install with `vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver)`.
 */
export class FakeIntersectionObserver {
  private static all = new Set<FakeIntersectionObserver>();
  private observed = new Set<Element>();

  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeIntersectionObserver.all.add(this);
  }

  observe(element: Element) {
    this.observed.add(element);
  }

  unobserve(element: Element) {
    this.observed.delete(element);
  }

  disconnect() {
    this.observed.clear();
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  /** Elements some observer waits for now. */
  static watched(): Element[] {
    return [...FakeIntersectionObserver.all].flatMap((o) => [...o.observed]);
  }

  /** `element` comes on screen: its observers are told. */
  static scrollIntoView(element: Element) {
    for (const observer of FakeIntersectionObserver.all) {
      if (!observer.observed.has(element)) continue;
      const entry = { target: element, isIntersecting: true } as IntersectionObserverEntry;
      observer.callback([entry], observer as unknown as IntersectionObserver);
    }
  }
}
