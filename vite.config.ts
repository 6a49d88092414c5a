import path from "node:path";
import { reactRouter } from "@react-router/dev/vite";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  // The server build's entry is the Express host, which imports React Router's server build.
  environments: { ssr: { build: { rollupOptions: { input: "./server/app.ts" }, target: "node24" } } },
  plugins: [tailwindcss(), reactRouter()],
});
