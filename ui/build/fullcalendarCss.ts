/**
 * FullCalendar 6 under a strict Content Security Policy.
 *
 * FullCalendar 6 keeps its CSS as strings in its JavaScript and, on first render, puts
 * them into a `<style data-fullcalendar>` element it creates. `style-src 'self'` blocks
 * every `<style>` element made at run time (even an empty one: the browser reports a
 * violation and gives it no sheet), so the calendar would show unstyled.
 *
 * This plugin moves those styles into the build as an ordinary CSS file:
 * - `virtual:fullcalendar.css` (imported by the calendar page) is the CSS of core, daygrid
 *   and timegrid, read from the installed packages, so it always matches their version;
 *   Vite bundles it into the calendar's CSS chunk, which `style-src 'self'` allows.
 * - In FullCalendar's own modules the run-time injection is removed: the `injectStyles(css)`
 *   calls go, and `registerStylesRoot` (which makes the `<style>` element, at import and for
 *   each calendar) returns at once, so no `<style>` element is ever made.
 *   This runs both in `vite build` (Rollup transform) and in the dev server's dependency
 *   pre-bundling (esbuild), so dev and production style the calendar the same way.
 *
 * Every rewrite is checked: if a FullCalendar update changes the code this expects, the
 * build fails here instead of shipping an unstyled calendar.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const VIRTUAL_ID = 'virtual:fullcalendar.css';
const RESOLVED_ID = '\0virtual:fullcalendar.css';

/** The modules that carry CSS, in cascade order (core first). */
const CSS_MODULES = [
  ['@fullcalendar/core', 'internal-common.js'],
  ['@fullcalendar/daygrid', 'internal.js'],
  ['@fullcalendar/timegrid', 'internal.js'],
] as const;

/** `var css_248z = "...";\ninjectStyles(css_248z);` as the packages ship it. */
const INJECTION = /var (css_\w+) = ("(?:[^"\\\n]|\\.)*");\s*injectStyles\(\1\);/g;
/** Every path to a `<style>` element (at import, and per calendar root) goes through this. */
const REGISTER_ROOT = 'function registerStylesRoot(rootNode) {';
/** The icon font is a `data:` URL, which `font-src 'self'` refuses; the page draws its own icons. */
const ICON_FONT = /@font-face\{font-family:fcicons;[^}]*\}/;

function normalize(id: string): string {
  return id.replace(/\\/g, '/').split('?')[0] ?? id;
}

function isCssModule(id: string): boolean {
  const path = normalize(id);
  return CSS_MODULES.some(([pkg, file]) => path.endsWith(`/node_modules/${pkg}/${file}`));
}

function isCoreCommon(id: string): boolean {
  return normalize(id).endsWith('/node_modules/@fullcalendar/core/internal-common.js');
}

/** The CSS text that a FullCalendar module would inject. */
export function extractCss(code: string, id: string): string {
  const found = Array.from(code.matchAll(INJECTION));
  if (found.length === 0) throw new Error(`fullcalendar-css: no injected styles found in ${id}; check the FullCalendar version`);
  return found.map((m) => JSON.parse(m[2] ?? '""') as string).join('\n');
}

/** The module without its style injection. */
export function stripInjection(code: string, id: string): string {
  let changed = 0;
  let out = code.replace(INJECTION, () => {
    changed += 1;
    return '/* chime: styles bundled as virtual:fullcalendar.css */';
  });
  if (changed === 0) throw new Error(`fullcalendar-css: no injectStyles call to remove in ${id}`);
  if (isCoreCommon(id)) {
    if (!out.includes(REGISTER_ROOT)) throw new Error(`fullcalendar-css: registerStylesRoot not found in ${id}`);
    out = out.replace(REGISTER_ROOT, `${REGISTER_ROOT}\n    return; // chime: no <style> element under a strict CSP`);
  }
  return out;
}

function packageFile(root: string, pkg: string, file: string): string {
  const require = createRequire(join(root, 'package.json'));
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

export function bundledFullCalendarCss(root: string): string {
  const parts = CSS_MODULES.map(([pkg, file]) => {
    const path = packageFile(root, pkg, file);
    return extractCss(readFileSync(path, 'utf8'), path);
  });
  const css = parts.join('\n');
  if (!ICON_FONT.test(css)) throw new Error('fullcalendar-css: the fcicons @font-face rule has changed');
  return css.replace(ICON_FONT, '');
}

export function fullCalendarCss(): Plugin {
  let root = process.cwd();
  return {
    name: 'chime:fullcalendar-css',
    enforce: 'pre',
    config() {
      return {
        optimizeDeps: {
          esbuildOptions: {
            plugins: [
              {
                name: 'chime:fullcalendar-css',
                setup(build) {
                  build.onLoad({ filter: /@fullcalendar[\\/](core|daygrid|timegrid)[\\/]internal(-common)?\.js$/ }, (args) => {
                    if (!isCssModule(args.path)) return undefined;
                    return { contents: stripInjection(readFileSync(args.path, 'utf8'), args.path), loader: 'js' };
                  });
                },
              },
            ],
          },
        },
      };
    },
    configResolved(config) {
      root = config.root;
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      return id === RESOLVED_ID ? bundledFullCalendarCss(root) : undefined;
    },
    transform(code, id) {
      if (!isCssModule(id)) return undefined;
      return { code: stripInjection(code, id), map: null };
    },
  };
}
