-- Audit entries are inserted unsealed in the transaction of the action they record and chained
-- after commit by the sealer (ADR 014). Entries written before this migration keep their seq,
-- prev_hash and hash, and get id = seq so that insertion order and chain order agree on them.
ALTER TABLE "audit_log" ADD COLUMN "id" bigserial NOT NULL;--> statement-breakpoint
UPDATE "audit_log" SET "id" = "seq";--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('"audit_log"', 'id'), coalesce(max("id"), 0) + 1, false) FROM "audit_log";--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id");--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "seq" DROP DEFAULT;--> statement-breakpoint
DROP SEQUENCE IF EXISTS "audit_log_seq_seq";--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "seq" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_seq" ON "audit_log" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "audit_log_unsealed" ON "audit_log" USING btree ("id") WHERE "audit_log"."seq" is null;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_sealed_together" CHECK (("audit_log"."seq" is null) = ("audit_log"."hash" is null) and ("audit_log"."seq" is null) = ("audit_log"."prev_hash" is null));
