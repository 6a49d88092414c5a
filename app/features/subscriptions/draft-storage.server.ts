import { eq, sql } from "drizzle-orm";
import { decryptField, encryptField } from "~/platform/crypto/keyring.server";
import { PERSONAL_DATA_PURPOSES } from "~/platform/crypto/personal-data.server";
import type { Db } from "~/platform/db/client.server";
import {
  type StoredDraftData,
  type StoredQuoteSnapshot,
  type SubscriptionDraftData,
  type SubscriptionQuoteSnapshot,
  subscriptionDrafts,
} from "~/platform/db/schema";

/*
 * A draft's e-mail address and phone number are encrypted in its JSON columns (ADR 019): sealed
 * on every write, opened on every read, so the rest of the subscription code sees clear values.
 * Drafts written before ADR 019 (clear `email`/`phone`) are read as they are until the boot-time
 * conversion has sealed them.
 */

type Row = typeof subscriptionDrafts.$inferSelect;
export type OpenedDraft = Omit<Row, "quote" | "data"> & { quote: SubscriptionQuoteSnapshot; data: SubscriptionDraftData };

type Legacy<T> = T & { email?: string; phone?: string };

export function sealQuoteSnapshot(quote: SubscriptionQuoteSnapshot): StoredQuoteSnapshot {
  const { email, ...rest } = quote;
  return { ...rest, emailEnc: encryptField(PERSONAL_DATA_PURPOSES.draftEmail, email) };
}

export function openQuoteSnapshot(stored: Legacy<StoredQuoteSnapshot>): SubscriptionQuoteSnapshot {
  const { emailEnc, email, ...rest } = stored;
  return { ...rest, email: emailEnc ? decryptField(PERSONAL_DATA_PURPOSES.draftEmail, emailEnc) : (email ?? "") };
}

export function sealDraftData(data: SubscriptionDraftData): StoredDraftData {
  const { address, ...rest } = data;
  if (!address) return rest;
  const { email, phone, ...postal } = address;
  return {
    ...rest,
    address: {
      ...postal,
      emailEnc: encryptField(PERSONAL_DATA_PURPOSES.draftEmail, email),
      phoneEnc: encryptField(PERSONAL_DATA_PURPOSES.draftPhone, phone),
    },
  };
}

export function openDraftData(stored: StoredDraftData): SubscriptionDraftData {
  const { address, ...rest } = stored;
  if (!address) return rest;
  const { emailEnc, phoneEnc, email, phone, ...postal } = address as Legacy<typeof address>;
  return {
    ...rest,
    address: {
      ...postal,
      email: emailEnc ? decryptField(PERSONAL_DATA_PURPOSES.draftEmail, emailEnc) : (email ?? ""),
      phone: phoneEnc ? decryptField(PERSONAL_DATA_PURPOSES.draftPhone, phoneEnc) : (phone ?? ""),
    },
  };
}

export function openDraft<T extends Pick<Row, "quote" | "data">>(row: T): Omit<T, "quote" | "data"> & { quote: SubscriptionQuoteSnapshot; data: SubscriptionDraftData } {
  return { ...row, quote: openQuoteSnapshot(row.quote), data: openDraftData(row.data) };
}


/**
 * Boot-time conversion (ADR 019): seals the e-mail addresses and phone numbers that drafts written
 * before it still hold in clear. Resumable, a batch per transaction; a no-op once done.
 */
export async function sealLegacyDrafts(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: subscriptionDrafts.id, quote: subscriptionDrafts.quote, data: subscriptionDrafts.data })
        .from(subscriptionDrafts)
        .where(sql`${subscriptionDrafts.quote} ? 'email' or ${subscriptionDrafts.data} -> 'address' ?| array['email', 'phone']`)
        .limit(200)
        .for("update");
      for (const row of rows) {
        const opened = openDraft(row);
        await tx
          .update(subscriptionDrafts)
          .set({ quote: sealQuoteSnapshot(opened.quote), data: sealDraftData(opened.data) })
          .where(eq(subscriptionDrafts.id, row.id));
      }
      return rows.length;
    });
    total += n;
    if (n < 200) return total;
  }
}
