import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUplotModule, patchUplotLocale } from './uplotLocale';

const file = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist/uPlot.esm.js');

describe('uPlot with the UI locale (build/uplotLocale.ts)', () => {
  it('makes its number formatter with the locale helper instead of navigator.language', () => {
    expect(isUplotModule(file)).toBe(true);
    const original = readFileSync(file, 'utf8');
    const patched = patchUplotLocale(original, file, '/ui/src/lib/locale.ts');
    expect(patched.startsWith('import { appLocale as __chimeLocale } from "/ui/src/lib/locale.ts";\n')).toBe(true);
    expect(patched).toContain('new Intl.NumberFormat(__chimeLocale())');
    expect(patched).not.toContain('nav.language');
  });

  it('leaves other modules alone, and fails loudly when uPlot changes that line', () => {
    expect(isUplotModule('/x/node_modules/uplot/dist/uPlot.cjs.js')).toBe(false);
    expect(isUplotModule('/x/node_modules/@fullcalendar/core/index.js')).toBe(false);
    expect(() => patchUplotLocale('const f = new Intl.NumberFormat(nav.language);', 'uPlot.esm.js', '/ui/src/lib/locale.ts')).toThrow(/expected one/);
  });
});
