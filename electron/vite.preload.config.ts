import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The sandboxed preload may require nothing but electron, so it is one CommonJS file with the
 * contract (and zod) bundled in: dist/electron/preload.cjs. tsc writes the rest of dist/electron,
 * so the folder is not emptied.
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  logLevel: 'warn',
  build: {
    outDir: 'dist/electron',
    emptyOutDir: false,
    target: 'chrome140',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    lib: {
      entry: fileURLToPath(new URL('./preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rolldownOptions: { external: ['electron'] },
  },
});
