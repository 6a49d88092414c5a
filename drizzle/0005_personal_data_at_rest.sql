DROP INDEX "persons_email";--> statement-breakpoint
ALTER TABLE "auth_tokens" ALTER COLUMN "email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_outbox" ALTER COLUMN "to_address" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_outbox" ALTER COLUMN "subject" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_outbox" ALTER COLUMN "text_body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_claim_emails" ALTER COLUMN "from_address" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD COLUMN "email_enc" text;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "recipient_enc" text;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "recipient_bidx" text;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "content_enc" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "email_enc" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "email_bidx" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "phone_enc" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_enc" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_bidx" text;--> statement-breakpoint
ALTER TABLE "inbound_claim_emails" ADD COLUMN "from_enc" text;--> statement-breakpoint
ALTER TABLE "inbound_claim_emails" ADD COLUMN "from_bidx" text;--> statement-breakpoint
CREATE INDEX "mail_outbox_recipient" ON "mail_outbox" USING btree ("recipient_bidx");--> statement-breakpoint
CREATE INDEX "persons_email_bidx" ON "persons" USING btree ("email_bidx");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_email_bidx_unique" UNIQUE("email_bidx");