import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Set by `tauri dev` when developing against a mobile device / remote host.
const host = process.env.TAURI_DEV_HOST;
const isVitest = Boolean(process.env.VITEST);

export default defineConfig({
  plugins: [svelte()],
  // Relative asset paths: the bundle is loaded from Tauri's custom protocol.
  base: './',
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 1420,
    strictPort: true,
    host: host || false,
    hmr: host ? { protocol: 'ws', host, port: 1421 } : undefined,
    watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebView2 (Chromium) on Windows, WebKit on macOS/Linux.
    target: ['es2021', 'chrome105', 'safari15'],
    // Strict CSP (default-src 'self'): never inline assets as data: URIs and
    // never inject the inline module-preload polyfill.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // Two pages: the till (index.html, the main window) and the customer display
    // (customer.html, its own window). Each loads its script from a file: no inline scripts.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        customer: fileURLToPath(new URL('./customer.html', import.meta.url)),
      },
    },
  },
  // Component tests must use Svelte's client (browser) build, not the SSR one.
  resolve: isVitest ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
