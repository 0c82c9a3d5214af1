/**
 * FullCalendar's renderer (Preact) under a frozen `Object.prototype`.
 *
 * The desktop window runs with Tauri's `freezePrototype` (tauri.conf.json), which runs
 * `Object.freeze(Object.prototype)` before any of the page's scripts. After that, assigning a
 * property that `Object.prototype` has (`constructor`, `toString`, ...) to a plain object
 * throws in strict code, even though it would only make an own property (the "override
 * mistake"): `({}).constructor = undefined` is a TypeError.
 *
 * FullCalendar 6 renders with Preact 10.12 (`@fullcalendar/core` pins `preact ~10.12.1`),
 * whose `assign(target, source)` copies with `target[key] = source[key]`. A Preact vnode has
 * an own `constructor: undefined` (its guard against JSON injection), and Preact copies vnodes
 * with `assign({}, vnode)` whenever a component re-renders (and preact/compat's Suspense does
 * too). FullCalendar re-renders while it mounts (it measures, then sets state), so under the
 * frozen prototype every mount threw in `componentDidMount`, just after FullCalendar had
 * reported its dates; the page wrote those to the address, the new route match reset the
 * router's error boundary, and the page mounted again and threw again, over and over in one
 * task: 100% CPU, memory growing without end, the page left on its loading skeleton. Browsers
 * and jsdom do not freeze the prototype, so only the desktop app showed it.
 *
 * This plugin rewrites Preact's `assign` (in preact and in preact/compat, which keep a copy
 * each) so that a key `Object.prototype` also has is defined as an own data property, which a
 * frozen prototype allows; every other key is assigned as before. Preact only ever copies into
 * plain objects it made itself (vnode clones, state, context, props), so nothing else changes.
 * Like `fullcalendarCss.ts`, it runs in `vite build` (Rollup transform), in the dev server's
 * dependency pre-bundling (esbuild) and in the tests (vitest inlines preact and FullCalendar,
 * see vite.config.ts), and it fails the build if a Preact update changes the code it expects.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/** The ES module builds of preact and preact/compat (`.module.js` for browsers, `.mjs` for `import`). */
const PREACT_MODULE = /\/node_modules\/preact\/(dist\/preact|compat\/dist\/compat)\.(module\.js|mjs)$/;
/** Preact's minified `assign`: `function h(n,l){for(var u in l)n[u]=l[u];return n}`. */
const ASSIGN = /function ([\w$]+)\(([\w$]+),([\w$]+)\)\{for\(var ([\w$]+) in \3\)\2\[\4\]=\3\[\4\];return \2\}/g;

function normalize(id: string): string {
  return id.replace(/\\/g, '/').split('?')[0] ?? id;
}

export function isPreactModule(id: string): boolean {
  return PREACT_MODULE.test(normalize(id));
}

/** Preact's module with an `assign` that works when `Object.prototype` is frozen. */
export function patchPreactAssign(code: string, id: string): string {
  let changed = 0;
  const out = code.replace(ASSIGN, (_match, name: string, target: string, source: string, key: string) => {
    changed += 1;
    return (
      `function ${name}(${target},${source}){for(var ${key} in ${source})` +
      // chime: a frozen Object.prototype refuses `target.constructor = ...`; define it instead
      `${key} in Object.prototype?Object.defineProperty(${target},${key},{value:${source}[${key}],writable:!0,enumerable:!0,configurable:!0}):` +
      `${target}[${key}]=${source}[${key}];return ${target}}`
    );
  });
  if (changed !== 1) {
    throw new Error(`frozen-prototype: expected one Preact assign() in ${id}, found ${changed}; check the Preact version`);
  }
  return out;
}

export function preactFrozenPrototype(): Plugin {
  return {
    name: 'chime:preact-frozen-prototype',
    enforce: 'pre',
    config() {
      return {
        optimizeDeps: {
          esbuildOptions: {
            plugins: [
              {
                name: 'chime:preact-frozen-prototype',
                setup(build) {
                  build.onLoad({ filter: /[\\/]preact[\\/](dist|compat[\\/]dist)[\\/](preact|compat)\.(module\.js|mjs)$/ }, (args) => {
                    if (!isPreactModule(args.path)) return undefined;
                    return { contents: patchPreactAssign(readFileSync(args.path, 'utf8'), args.path), loader: 'js' };
                  });
                },
              },
            ],
          },
        },
      };
    },
    transform(code, id) {
      if (!isPreactModule(id)) return undefined;
      return { code: patchPreactAssign(code, id), map: null };
    },
  };
}
