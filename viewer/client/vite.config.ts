/**
 * Vite build of the viewer client: dist/viewer-client/index.html + viewer.js + viewer.css (fixed names,
 * one script, no preload helper), easy to serve and to inline into replay pages (viewer/replay.ts).
 */
import { defineConfig } from 'vite';

const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: `${here}../../dist/viewer-client`,
    emptyOutDir: true,
    assetsDir: '',
    cssCodeSplit: false,
    modulePreload: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: { output: { entryFileNames: 'viewer.js', assetFileNames: 'viewer[extname]', codeSplitting: false } },
  },
});
