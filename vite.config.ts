import path from "node:path";
import { reactRouter } from "@react-router/dev/vite";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

export default defineConfig(({ isSsrBuild }) => ({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  build: isSsrBuild ? { rollupOptions: { input: "./server/app.ts" }, target: "node24" } : {},
  plugins: [tailwindcss(), reactRouter()],
}));
