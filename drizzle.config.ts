import { defineConfig } from "drizzle-kit";

// Migrations are generated offline from the TypeScript schema and committed; no database is
// contacted by `npm run db:generate`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./app/platform/db/schema/index.ts",
  out: "./drizzle",
});
