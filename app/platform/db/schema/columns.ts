import { timestamp } from "drizzle-orm/pg-core";

/** Column helpers shared by the schema modules: every timestamp is a `timestamptz` read as a Date. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const createdAt = () => ts("created_at").notNull().defaultNow();
