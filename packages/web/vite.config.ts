import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Hashed file names under assets/ (the server caches them for a year); the dev server
// proxies the API to a Marquee server on :8080.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/v2': 'http://127.0.0.1:8080' } },
});
