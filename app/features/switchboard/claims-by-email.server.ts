import { and, eq } from "drizzle-orm";
import { config } from "~/platform/config/env.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { persons } from "~/platform/db/schema";
import { peekSnapshot } from "./public-status.server";

/** The subject reference of a claim sent by e-mail: what the claims mailbox ingestion matches on. */
function claimsEmailReference(memberNumber: string): string {
  return `BAS-${memberNumber}`;
}

/**
 * What a member needs to send a claim by e-mail: the mailbox, and the reference of their contract
 * (the subscriber's member number, also for a spouse or child with their own account).
 */
export async function getClaimsByEmailInstructions(db: DbOrTx, personId: string) {
  const [me] = await db.select({ contractId: persons.contractId }).from(persons).where(eq(persons.id, personId)).limit(1);
  if (!me) return null;
  const [subscriber] = await db
    .select({ memberNumber: persons.memberNumber })
    .from(persons)
    .where(and(eq(persons.contractId, me.contractId), eq(persons.role, "MEMBER")))
    .limit(1);
  const claims = peekSnapshot()?.services["remboursements-en-ligne"];
  return {
    mailbox: config().claimsMailboxAddress,
    reference: subscriber?.memberNumber ? claimsEmailReference(subscriber.memberNumber) : null,
    /** Online claims are not open to everyone: the page says e-mail is the way for now. */
    onlineClaimsDown: claims !== undefined && claims.state !== "OPEN",
  };
}
