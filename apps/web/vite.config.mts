import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves dist/ on its own origin (SPEC §10): index.html for the page routes and
// the hashed bundles under /assets. `npx vite` proxies the API to a running gateway.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000' } },
});
