/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fullCalendarCss } from './build/fullcalendarCss';
import { preactFrozenPrototype } from './build/frozenPrototype';
import { uplotLocale } from './build/uplotLocale';

// The built UI is embedded in the Tauri binary (frontendDist: "ui/dist") and may also be
// served by `chime serve`. Relative asset paths work in both; routing uses the URL hash,
// so no server-side fallback is needed.
export default defineConfig({
  base: './',
  // FullCalendar's styles as a CSS file instead of run-time <style> injection (strict CSP),
  // its Preact made to work under Tauri's frozen Object.prototype (freezePrototype), and
  // uPlot's number formatter made with the UI's locale (a C locale made it throw).
  plugins: [react(), fullCalendarCss(), preactFrozenPrototype(), uplotLocale()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Keep everything in files: a strict CSP (no inline scripts) must be enough.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    strictPort: true,
    // In `npm run dev` against `chime serve`, set CHIME_API=http://127.0.0.1:PORT.
    proxy: process.env.CHIME_API ? { '/api': { target: process.env.CHIME_API, changeOrigin: false } } : undefined,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    restoreMocks: true,
    testTimeout: 20_000,
    // FullCalendar, its Preact and uPlot go through Vite's transforms, as in the build: the
    // tests run the patched Preact (build/frozenPrototype.ts) and uPlot (build/uplotLocale.ts),
    // not the ones in node_modules as they are.
    // uPlot's ES module, as the build takes it (Node would take its CommonJS build)
    alias: [{ find: /^uplot$/, replacement: 'uplot/dist/uPlot.esm.js' }],
    server: {
      deps: {
        inline: [/[\\/]node_modules[\\/]@fullcalendar[\\/]/, /[\\/]node_modules[\\/]preact[\\/]/, /[\\/]node_modules[\\/]uplot[\\/]/],
      },
    },
  },
});
