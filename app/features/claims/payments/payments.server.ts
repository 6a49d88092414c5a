import { and, asc, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { isValidIban, maskIbanHint } from "~/platform/identifiers/identifiers";
import { type Actor, appendAudit } from "~/platform/audit/audit.server";
import { decryptBytes, decryptField, encryptBytes } from "~/platform/crypto/keyring.server";
import type { Db, DbOrTx } from "~/platform/db/client.server";
import { claims, contracts, paymentBatches, persons, users } from "~/platform/db/schema";
import { recordClaimEvent } from "../member/submit-claim.server";
import { buildPain001, isValidBic, SepaError, type SepaTransfer } from "./sepa-pain001";
import { parisDateOf, parisYear } from "~/platform/time/paris";

/*
 * Paying accepted claims: they are grouped into a payment batch, one SEPA credit transfer message
 * (pain.001.001.09) per batch and one transaction per claim, which an administrator downloads for
 * the bank and then marks as paid. Member IBANs are decrypted only while the file is written; the
 * file itself is stored encrypted (it holds them all) and served byte for byte as generated, so
 * that what staff download again is exactly what the bank received. See ADR 012.
 */

export class PaymentError extends Error {
  constructor(
    readonly code: "not-found" | "conflict" | "nothing-to-pay",
    message: string,
  ) {
    super(message);
    this.name = "PaymentError";
  }
}

export function isPaymentError(err: unknown): err is PaymentError {
  return err instanceof PaymentError;
}

/** Additional authenticated data of stored payment files. */
const FILE_PURPOSE = "payment_batches.file";

export type PaymentContext = { actor: Actor & { userId: string }; ipHash: string | null; now: Date };
export type Debtor = { name: string; iban: string; bic: string };

export type PayableClaim = {
  id: string;
  number: string;
  beneficiaryName: string;
  amcCents: number;
  decidedAt: Date | null;
  receivedAt: Date;
  /** Masked IBAN the transfer will go to, or null when the contract has none. */
  iban: string | null;
};

const holderOf = () => alias(persons, "holder");
const beneficiaryOf = () => alias(persons, "beneficiary");

/** Accepted claims with something to pay and not in a batch yet: ready ones, and those held back (no IBAN). */
export async function listPayableClaims(db: DbOrTx): Promise<{ ready: PayableClaim[]; held: PayableClaim[]; readyTotalCents: number }> {
  const beneficiary = beneficiaryOf();
  const rows = await db
    .select({
      id: claims.id,
      number: claims.number,
      firstName: beneficiary.firstName,
      lastName: beneficiary.lastName,
      amcCents: claims.amcCents,
      decidedAt: claims.decidedAt,
      receivedAt: claims.receivedAt,
      ibanHint: contracts.ibanHint,
      hasIban: sql<boolean>`${contracts.ibanEnc} is not null`,
    })
    .from(claims)
    .innerJoin(beneficiary, eq(beneficiary.id, claims.beneficiaryId))
    .innerJoin(contracts, eq(contracts.id, claims.contractId))
    .where(and(eq(claims.status, "VALUATED"), isNull(claims.paymentBatchId), gt(claims.amcCents, 0)))
    .orderBy(asc(claims.receivedAt), asc(claims.number));
  const ready: PayableClaim[] = [];
  const held: PayableClaim[] = [];
  for (const r of rows) {
    const item = {
      id: r.id,
      number: r.number,
      beneficiaryName: `${r.firstName} ${r.lastName}`,
      amcCents: r.amcCents,
      decidedAt: r.decidedAt,
      receivedAt: r.receivedAt,
      iban: r.hasIban && r.ibanHint ? maskIbanHint(r.ibanHint) : null,
    };
    (r.hasIban ? ready : held).push(item);
  }
  return { ready, held, readyTotalCents: ready.reduce((s, c) => s + c.amcCents, 0) };
}

async function nextBatchNumber(tx: DbOrTx, now: Date): Promise<string> {
  const result = await tx.execute<{ n: string | number }>(sql`select nextval('payment_batch_number_seq') as n`);
  const rows = (Array.isArray(result) ? result : (result as { rows: { n: string | number }[] }).rows) as { n: string | number }[];
  return `VIR-${parisYear(now)}-${String(Number(rows[0]!.n)).padStart(4, "0")}`;
}

export type CreatedBatch = { id: string; number: string; transactionCount: number; controlSumCents: number; heldBack: string[] };

/**
 * Creates a batch of every accepted claim ready for payment. The claims are locked (a concurrent
 * batch skips them, so no claim is ever in two files); claims whose contract has no usable IBAN
 * are held back and named. Throws PaymentError("nothing-to-pay") when no claim can be paid.
 */
export async function createPaymentBatch(db: Db, ctx: PaymentContext & { debtor: Debtor }): Promise<CreatedBatch> {
  return db.transaction(async (tx) => {
    const holder = holderOf();
    const beneficiary = beneficiaryOf();
    const candidates = await tx
      .select({
        id: claims.id,
        number: claims.number,
        amcCents: claims.amcCents,
        ibanEnc: contracts.ibanEnc,
        bic: contracts.bic,
        holderFirstName: holder.firstName,
        holderLastName: holder.lastName,
        beneficiaryFirstName: beneficiary.firstName,
        beneficiaryLastName: beneficiary.lastName,
      })
      .from(claims)
      .innerJoin(contracts, eq(contracts.id, claims.contractId))
      .innerJoin(beneficiary, eq(beneficiary.id, claims.beneficiaryId))
      .leftJoin(holder, and(eq(holder.contractId, claims.contractId), eq(holder.role, "MEMBER")))
      .where(and(eq(claims.status, "VALUATED"), isNull(claims.paymentBatchId), gt(claims.amcCents, 0)))
      .orderBy(asc(claims.receivedAt), asc(claims.number))
      .for("update", { of: claims, skipLocked: true });

    const heldBack: string[] = [];
    const included: { id: string; transfer: SepaTransfer }[] = [];
    for (const c of candidates) {
      // Decrypted here and dropped with this scope: the clear IBAN lives only inside the file.
      const iban = c.ibanEnc ? decryptField("contracts.iban", c.ibanEnc) : null;
      if (!iban || !isValidIban(iban)) {
        heldBack.push(c.number);
        continue;
      }
      const accountHolder = c.holderFirstName
        ? `${c.holderFirstName} ${c.holderLastName}`
        : `${c.beneficiaryFirstName} ${c.beneficiaryLastName}`;
      included.push({
        id: c.id,
        transfer: {
          endToEndId: c.number,
          amountCents: c.amcCents,
          creditorName: accountHolder,
          creditorIban: iban,
          creditorBic: c.bic && isValidBic(c.bic) ? c.bic : null,
          remittance: `Remboursement sante Bascule ${c.number}`,
        },
      });
    }
    if (included.length === 0) {
      throw new PaymentError(
        "nothing-to-pay",
        heldBack.length > 0
          ? "Aucune demande ne peut être payée : les demandes acceptées n’ont pas de coordonnées bancaires utilisables."
          : "Aucune demande acceptée n’attend de paiement.",
      );
    }

    const number = await nextBatchNumber(tx, ctx.now);
    let message;
    try {
      message = buildPain001({
        messageId: number,
        paymentInfoId: `${number}-1`,
        createdAt: ctx.now,
        requestedExecutionDate: parisDateOf(ctx.now),
        initiatingPartyName: ctx.debtor.name,
        debtor: ctx.debtor,
        transfers: included.map((i) => i.transfer),
      });
    } catch (err) {
      if (err instanceof SepaError) throw new PaymentError("conflict", `Le fichier de virement n’a pas pu être produit : ${err.message}.`);
      throw err;
    }
    const [batch] = await tx
      .insert(paymentBatches)
      .values({
        number,
        status: "GENERATED",
        messageId: number,
        transactionCount: message.transactionCount,
        controlSumCents: message.controlSumCents,
        fileEnc: encryptBytes(FILE_PURPOSE, Buffer.from(message.xml, "utf8")),
        createdAt: ctx.now,
        createdByUserId: ctx.actor.userId,
      })
      .returning({ id: paymentBatches.id });
    await tx
      .update(claims)
      .set({ paymentBatchId: batch!.id, updatedAt: ctx.now })
      .where(
        inArray(
          claims.id,
          included.map((i) => i.id),
        ),
      );
    await appendAudit(
      tx,
      {
        actor: ctx.actor,
        action: "payments.batch.created",
        outcome: "success",
        targetType: "payment_batch",
        targetId: number,
        ipHash: ctx.ipHash,
        details: { transactionCount: message.transactionCount, controlSumCents: message.controlSumCents, heldBack: heldBack.length },
      },
      ctx.now,
    );
    return { id: batch!.id, number, transactionCount: message.transactionCount, controlSumCents: message.controlSumCents, heldBack };
  });
}

export type BatchSummary = {
  id: string;
  number: string;
  status: "GENERATED" | "PAID";
  transactionCount: number;
  controlSumCents: number;
  createdAt: Date;
  createdBy: string | null;
  paidAt: Date | null;
  paidBy: string | null;
};

/** Batches with the addresses of who created and who paid them: what the list and the detail show. */
function selectBatches(db: DbOrTx) {
  const creator = alias(users, "creator");
  const payer = alias(users, "payer");
  return db
    .select({
      id: paymentBatches.id,
      number: paymentBatches.number,
      status: paymentBatches.status,
      messageId: paymentBatches.messageId,
      transactionCount: paymentBatches.transactionCount,
      controlSumCents: paymentBatches.controlSumCents,
      createdAt: paymentBatches.createdAt,
      createdBy: creator.displayName,
      paidAt: paymentBatches.paidAt,
      paidBy: payer.displayName,
    })
    .from(paymentBatches)
    .leftJoin(creator, eq(creator.id, paymentBatches.createdByUserId))
    .leftJoin(payer, eq(payer.id, paymentBatches.paidByUserId))
    .$dynamic();
}

export async function listPaymentBatches(
  db: DbOrTx,
  page: number,
  pageSize: number,
): Promise<{ items: BatchSummary[]; hasNextPage: boolean }> {
  const rows = await selectBatches(db)
    .orderBy(desc(paymentBatches.createdAt), desc(paymentBatches.number))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize);
  return { items: rows.slice(0, pageSize), hasNextPage: rows.length > pageSize };
}

export type BatchDetail = BatchSummary & {
  messageId: string;
  claims: { number: string; beneficiaryName: string; amcCents: number; status: string; iban: string | null; paidAt: Date | null }[];
};

export async function loadPaymentBatch(db: DbOrTx, batchId: string): Promise<BatchDetail | null> {
  const [batch] = await selectBatches(db).where(eq(paymentBatches.id, batchId));
  if (!batch) return null;
  const beneficiary = beneficiaryOf();
  const rows = await db
    .select({
      number: claims.number,
      firstName: beneficiary.firstName,
      lastName: beneficiary.lastName,
      amcCents: claims.amcCents,
      status: claims.status,
      ibanHint: contracts.ibanHint,
      paidAt: claims.paidAt,
    })
    .from(claims)
    .innerJoin(beneficiary, eq(beneficiary.id, claims.beneficiaryId))
    .innerJoin(contracts, eq(contracts.id, claims.contractId))
    .where(eq(claims.paymentBatchId, batchId))
    .orderBy(asc(claims.number));
  return {
    ...batch,
    claims: rows.map((r) => ({
      number: r.number,
      beneficiaryName: `${r.firstName} ${r.lastName}`,
      amcCents: r.amcCents,
      status: r.status,
      iban: r.ibanHint ? maskIbanHint(r.ibanHint) : null,
      paidAt: r.paidAt,
    })),
  };
}

/** The stored XML of a batch, decrypted for download; the access is audited in the same transaction. */
export async function readPaymentFile(
  db: Db,
  batchId: string,
  ctx: { actor: Actor; ipHash: string | null; now: Date },
): Promise<{ fileName: string; bytes: Buffer } | null> {
  return db.transaction(async (tx) => {
    const [batch] = await tx
      .select({ number: paymentBatches.number, fileEnc: paymentBatches.fileEnc })
      .from(paymentBatches)
      .where(eq(paymentBatches.id, batchId));
    if (!batch) return null;
    const bytes = decryptBytes(FILE_PURPOSE, batch.fileEnc);
    await appendAudit(
      tx,
      {
        actor: ctx.actor,
        action: "payments.batch.downloaded",
        outcome: "success",
        targetType: "payment_batch",
        targetId: batch.number,
        ipHash: ctx.ipHash,
        details: { sizeBytes: bytes.length },
      },
      ctx.now,
    );
    return { fileName: `${batch.number}.xml`, bytes };
  });
}

/**
 * The bank executed the file: the batch and its claims become PAID and each member is told.
 * Idempotent: marking a batch that is already paid changes nothing and sends nothing again.
 */
export async function markBatchPaid(
  db: Db,
  batchId: string,
  ctx: PaymentContext,
): Promise<{ number: string; alreadyPaid: boolean; claimsPaid: number }> {
  return db.transaction(async (tx) => {
    const [batch] = await tx
      .select({ id: paymentBatches.id, number: paymentBatches.number, status: paymentBatches.status })
      .from(paymentBatches)
      .where(eq(paymentBatches.id, batchId))
      .for("update");
    if (!batch) throw new PaymentError("not-found", "Ce lot de virement est introuvable.");
    if (batch.status === "PAID") return { number: batch.number, alreadyPaid: true, claimsPaid: 0 };
    await tx
      .update(paymentBatches)
      .set({ status: "PAID", paidAt: ctx.now, paidByUserId: ctx.actor.userId })
      .where(eq(paymentBatches.id, batchId));
    const paid = await tx
      .update(claims)
      .set({ status: "PAID", paidAt: ctx.now, updatedAt: ctx.now })
      .where(and(eq(claims.paymentBatchId, batchId), eq(claims.status, "VALUATED")))
      .returning({ id: claims.id });
    for (const c of paid) {
      await recordClaimEvent(tx, {
        claimId: c.id,
        status: "PAID",
        at: ctx.now,
        actor: ctx.actor,
        note: `Virement émis (lot ${batch.number}).`,
      });
    }
    await appendAudit(
      tx,
      {
        actor: ctx.actor,
        action: "payments.batch.paid",
        outcome: "success",
        targetType: "payment_batch",
        targetId: batch.number,
        ipHash: ctx.ipHash,
        details: { claimsPaid: paid.length },
      },
      ctx.now,
    );
    return { number: batch.number, alreadyPaid: false, claimsPaid: paid.length };
  });
}
