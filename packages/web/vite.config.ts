import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w packages/web` serves the UI on :5173 and forwards API and OAuth calls to the hub.
const hub = process.env.KOPPEL_HUB_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 900 },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: hub },
      '/oauth': { target: hub },
      '/healthz': { target: hub },
    },
  },
});
