/**
 * uPlot under a C or POSIX locale.
 *
 * uPlot 1.6 makes its number formatter when its module is evaluated:
 * `new Intl.NumberFormat(domEnv ? nav.language : 'en-US')`. Under LANG=C.UTF-8 WebKitGTK
 * reports `navigator.language === 'C'`, that constructor throws "invalid language tag: C",
 * and the import of the run chart fails before any option could be given. No uPlot option
 * reaches that line, so this plugin rewrites it to ask the UI's locale helper
 * (src/lib/locale.ts), the one every other formatter of the UI uses. The chart also passes
 * its own axis `values`, so uPlot's formatter only backs what the chart leaves to it.
 *
 * Like frozenPrototype.ts it runs in `vite build` and in the tests (vitest inlines uplot,
 * see vite.config.ts); the dev server leaves uplot out of its dependency pre-bundling so
 * the same transform applies. It fails the build if a uPlot update changes that line.
 */
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const UPLOT_MODULE = /\/node_modules\/uplot\/dist\/uPlot\.esm\.js$/;
const FORMATTER = 'new Intl.NumberFormat(domEnv ? nav.language : \'en-US\')';

export function isUplotModule(id: string): boolean {
  return UPLOT_MODULE.test(id.replace(/\\/g, '/').split('?')[0] ?? id);
}

/** uPlot's module with its formatter made for the UI's locale instead of `navigator.language`. */
export function patchUplotLocale(code: string, id: string, localeModule: string): string {
  const found = code.split(FORMATTER).length - 1;
  if (found !== 1) {
    throw new Error(`uplot-locale: expected one "${FORMATTER}" in ${id}, found ${found}; check the uPlot version`);
  }
  return (
    `import { appLocale as __chimeLocale } from ${JSON.stringify(localeModule)};\n` +
    code.replace(FORMATTER, '/* chime: never navigator.language as is (it may be "C") */ new Intl.NumberFormat(__chimeLocale())')
  );
}

export function uplotLocale(): Plugin {
  const localeModule = fileURLToPath(new URL('../src/lib/locale.ts', import.meta.url));
  return {
    name: 'chime:uplot-locale',
    enforce: 'pre',
    config() {
      return { optimizeDeps: { exclude: ['uplot'] } };
    },
    transform(code, id) {
      if (!isUplotModule(id)) return undefined;
      return { code: patchUplotLocale(code, id, localeModule), map: null };
    },
  };
}
