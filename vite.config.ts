import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** The API server the dev server forwards to (`npm run dev` starts it). */
const API = process.env.ONESCREEN_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      '/api': API,
      '/socket.io': { target: API, ws: true },
    },
  },
})
