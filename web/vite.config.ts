import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// Built into public/app, which the gateway Worker serves as static assets at /app/ (same origin as the API).
export default defineConfig({
  root,
  base: "/app/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../public/app", import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    // `npm run web:dev`: the API is the gateway of `npm start`.
    proxy: Object.fromEntries(
      ["/auth", "/search", "/tracks", "/albums", "/artists", "/stream", "/media", "/me", "/playlists", "/plays", "/ads", "/billing", "/admin", "/uploads"].map(
        (path) => [path, "http://127.0.0.1:8787"],
      ),
    ),
  },
});
