import { eq } from "drizzle-orm";
import type { DbOrTx } from "~/platform/db/client.server";
import { persons } from "~/platform/db/schema";

/** What the contact form shows already filled in for a signed-in sender: their e-mail and member number. */
export type ContactPrefill = { email: string; memberNumber: string | null };

export async function loadContactPrefill(db: DbOrTx, user: { email: string; personId: string | null }): Promise<ContactPrefill> {
  if (!user.personId) return { email: user.email, memberNumber: null };
  const [person] = await db.select({ memberNumber: persons.memberNumber }).from(persons).where(eq(persons.id, user.personId));
  return { email: user.email, memberNumber: person?.memberNumber ?? null };
}
