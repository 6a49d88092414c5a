CREATE TYPE "public"."inbound_email_status" AS ENUM('RECEIVED', 'CLAIM_CREATED', 'TRIAGE', 'ATTACHED', 'DISMISSED');--> statement-breakpoint
CREATE TYPE "public"."claim_channel" AS ENUM('ONLINE', 'EMAIL', 'NOEMIE', 'PAPER');--> statement-breakpoint
CREATE TYPE "public"."claim_document_kind" AS ENUM('INVOICE', 'SECU_STATEMENT', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."claim_status" AS ENUM('SUBMITTED', 'CHECKED', 'REVIEW', 'VALUATED', 'PAID', 'REJECTED', 'RETURNED');--> statement-breakpoint
CREATE TYPE "public"."payment_batch_status" AS ENUM('GENERATED', 'PAID');--> statement-breakpoint
CREATE TYPE "public"."subscription_status" AS ENUM('DRAFT', 'SIGNING', 'SUBMITTED', 'VALIDATED', 'REFUSED', 'EXPIRED');--> statement-breakpoint
CREATE TYPE "public"."contact_category" AS ENUM('MEMBERSHIP_QUOTE', 'REIMBURSEMENT', 'CONTRIBUTIONS', 'MEMBER_SPACE', 'PERSONAL_DATA', 'COMPLAINT', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."contact_status" AS ENUM('NEW', 'IN_PROGRESS', 'ANSWERED', 'CLOSED');--> statement-breakpoint
CREATE SEQUENCE "public"."claim_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."payment_batch_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "inbound_claim_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" text NOT NULL,
	"mailbox" text NOT NULL,
	"uid_validity" bigint NOT NULL,
	"uid" bigint NOT NULL,
	"from_address" text NOT NULL,
	"subject" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"size_bytes" integer NOT NULL,
	"attachment_count" integer NOT NULL,
	"status" "inbound_email_status" DEFAULT 'RECEIVED' NOT NULL,
	"contract_id" uuid,
	"claim_id" uuid,
	"triage_reason" text,
	"triage_detail" text,
	"raw_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"server_marked_at" timestamp with time zone,
	"handled_at" timestamp with time zone,
	"handled_by_user_id" uuid,
	"dismiss_reason" text,
	CONSTRAINT "inbound_claim_emails_message_id_unique" UNIQUE("message_id"),
	CONSTRAINT "inbound_claim_emails_outcome" CHECK (("inbound_claim_emails"."status" NOT IN ('CLAIM_CREATED', 'ATTACHED') OR "inbound_claim_emails"."claim_id" IS NOT NULL) AND ("inbound_claim_emails"."status" <> 'TRIAGE' OR "inbound_claim_emails"."triage_reason" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "claim_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"kind" "claim_document_kind" NOT NULL,
	"file_name" text NOT NULL,
	"mime_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"file_hash" text NOT NULL,
	"content_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claim_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"status" "claim_status" NOT NULL,
	"actor_user_id" uuid,
	"actor_label" text NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "claim_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"line_no" smallint NOT NULL,
	"input" jsonb NOT NULL,
	"category" text NOT NULL,
	"care_date" date NOT NULL,
	"real_cost_cents" integer NOT NULL,
	"valuation" jsonb NOT NULL,
	"amc_cents" integer NOT NULL,
	"guarantee_category" text,
	"status" text NOT NULL,
	"adjusted_amc_cents" integer,
	"adjustment_reason" text,
	"adjusted_by_user_id" uuid,
	"adjusted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"contract_id" uuid NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"submitted_by_user_id" uuid,
	"channel" "claim_channel" NOT NULL,
	"status" "claim_status" NOT NULL,
	"fraud_score" integer DEFAULT 0 NOT NULL,
	"review_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"invoice_number" text,
	"real_cost_cents" integer DEFAULT 0 NOT NULL,
	"amo_paid_cents" integer DEFAULT 0 NOT NULL,
	"amc_cents" integer DEFAULT 0 NOT NULL,
	"reste_a_charge_cents" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by_user_id" uuid,
	"paid_at" timestamp with time zone,
	"payment_batch_id" uuid,
	"idempotency_key" text,
	"payload_hash" text,
	"return_reason" text,
	"reject_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "payment_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"status" "payment_batch_status" DEFAULT 'GENERATED' NOT NULL,
	"message_id" text NOT NULL,
	"transaction_count" integer NOT NULL,
	"control_sum_cents" bigint NOT NULL,
	"file_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_user_id" uuid,
	"paid_at" timestamp with time zone,
	"paid_by_user_id" uuid,
	CONSTRAINT "payment_batches_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "quotes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"email_enc" text NOT NULL,
	"email_bidx" text NOT NULL,
	"email_consent" boolean DEFAULT false NOT NULL,
	"postcode" text NOT NULL,
	"departement" text NOT NULL,
	"zone" text NOT NULL,
	"scheme" text NOT NULL,
	"start_date" date NOT NULL,
	"persons" jsonb NOT NULL,
	"priorities" jsonb NOT NULL,
	"recommended_formula" text NOT NULL,
	"chosen_formula" text NOT NULL,
	"result" jsonb NOT NULL,
	"tariff_version_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "quotes_reference_unique" UNIQUE("reference"),
	CONSTRAINT "quotes_scheme" CHECK ("quotes"."scheme" IN ('GENERAL', 'ALSACE_MOSELLE'))
);
--> statement-breakpoint
CREATE TABLE "tariff_age_bands" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"person_kind" text NOT NULL,
	"min_age" smallint NOT NULL,
	"max_age" smallint,
	"monthly_cents" integer NOT NULL,
	CONSTRAINT "tariff_age_bands_kind" CHECK ("tariff_age_bands"."person_kind" IN ('CHILD', 'ADULT')),
	CONSTRAINT "tariff_age_bands_positive" CHECK ("tariff_age_bands"."monthly_cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "tariff_departement_zones" (
	"version_id" uuid NOT NULL,
	"departement" text NOT NULL,
	"zone" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tariff_factors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"multiplier_permille" integer NOT NULL,
	CONSTRAINT "tariff_factors_kind" CHECK ("tariff_factors"."kind" IN ('FORMULA', 'ZONE', 'SCHEME')),
	CONSTRAINT "tariff_factors_positive" CHECK ("tariff_factors"."multiplier_permille" > 0)
);
--> statement-breakpoint
CREATE TABLE "tariff_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"label" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"child_max_age" smallint NOT NULL,
	"adult_min_age" smallint NOT NULL,
	"free_child_from_rank" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tariff_versions_code_unique" UNIQUE("code"),
	CONSTRAINT "tariff_versions_dates" CHECK ("tariff_versions"."valid_to" IS NULL OR "tariff_versions"."valid_to" >= "tariff_versions"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "sepa_mandates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"contract_id" uuid NOT NULL,
	"creditor_identifier" text NOT NULL,
	"debtor_name" text NOT NULL,
	"iban_enc" text NOT NULL,
	"iban_hint" text NOT NULL,
	"bic" text,
	"text_version" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"resume_token_hash" text NOT NULL,
	"quote_id" uuid NOT NULL,
	"quote_reference" text NOT NULL,
	"quote" jsonb NOT NULL,
	"current_step" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "subscription_status" DEFAULT 'DRAFT' NOT NULL,
	"iban_enc" text,
	"iban_bidx" text,
	"iban_hint" text,
	"signature_code_hash" text,
	"signature_code_expires_at" timestamp with time zone,
	"signature_attempts" smallint DEFAULT 0 NOT NULL,
	"signature_locked_at" timestamp with time zone,
	"signed_at" timestamp with time zone,
	"mandate_reference" text,
	"contract_id" uuid,
	"refusal_reason" text,
	"decided_at" timestamp with time zone,
	"decided_by_label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "subscription_drafts_resume_token_hash_unique" UNIQUE("resume_token_hash"),
	CONSTRAINT "subscription_drafts_mandate_reference_unique" UNIQUE("mandate_reference")
);
--> statement-breakpoint
CREATE TABLE "contact_message_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" uuid NOT NULL,
	"from_status" "contact_status" NOT NULL,
	"to_status" "contact_status" NOT NULL,
	"actor_user_id" uuid NOT NULL,
	"actor_label" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"category" "contact_category" NOT NULL,
	"message_enc" text NOT NULL,
	"email_enc" text NOT NULL,
	"email_bidx" text NOT NULL,
	"member_number_enc" text,
	"sender_user_id" uuid,
	"status" "contact_status" DEFAULT 'NEW' NOT NULL,
	"ip_hash" text,
	"created_at" timestamp with time zone NOT NULL,
	"status_changed_at" timestamp with time zone,
	"handled_by_user_id" uuid,
	CONSTRAINT "contact_messages_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "contact_pow_spent" (
	"challenge_hash" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbound_claim_emails" ADD CONSTRAINT "inbound_claim_emails_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_claim_emails" ADD CONSTRAINT "inbound_claim_emails_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_claim_emails" ADD CONSTRAINT "inbound_claim_emails_handled_by_user_id_users_id_fk" FOREIGN KEY ("handled_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_documents" ADD CONSTRAINT "claim_documents_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_events" ADD CONSTRAINT "claim_events_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_events" ADD CONSTRAINT "claim_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_lines" ADD CONSTRAINT "claim_lines_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_lines" ADD CONSTRAINT "claim_lines_adjusted_by_user_id_users_id_fk" FOREIGN KEY ("adjusted_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_beneficiary_id_persons_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_submitted_by_user_id_users_id_fk" FOREIGN KEY ("submitted_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_payment_batch_id_payment_batches_id_fk" FOREIGN KEY ("payment_batch_id") REFERENCES "public"."payment_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_batches" ADD CONSTRAINT "payment_batches_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_batches" ADD CONSTRAINT "payment_batches_paid_by_user_id_users_id_fk" FOREIGN KEY ("paid_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotes" ADD CONSTRAINT "quotes_tariff_version_id_tariff_versions_id_fk" FOREIGN KEY ("tariff_version_id") REFERENCES "public"."tariff_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_age_bands" ADD CONSTRAINT "tariff_age_bands_version_id_tariff_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."tariff_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_departement_zones" ADD CONSTRAINT "tariff_departement_zones_version_id_tariff_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."tariff_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_factors" ADD CONSTRAINT "tariff_factors_version_id_tariff_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."tariff_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sepa_mandates" ADD CONSTRAINT "sepa_mandates_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_drafts" ADD CONSTRAINT "subscription_drafts_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_message_events" ADD CONSTRAINT "contact_message_events_message_id_contact_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."contact_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_claim_emails_queue" ON "inbound_claim_emails" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "inbound_claim_emails_claim" ON "inbound_claim_emails" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "claim_documents_claim" ON "claim_documents" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "claim_documents_file_hash" ON "claim_documents" USING btree ("file_hash");--> statement-breakpoint
CREATE INDEX "claim_events_claim_at" ON "claim_events" USING btree ("claim_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_lines_claim_line" ON "claim_lines" USING btree ("claim_id","line_no");--> statement-breakpoint
CREATE INDEX "claim_lines_care_date" ON "claim_lines" USING btree ("care_date");--> statement-breakpoint
CREATE INDEX "claims_contract_received" ON "claims" USING btree ("contract_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "claims_status_received" ON "claims" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "claims_beneficiary" ON "claims" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "claims_payment_batch" ON "claims" USING btree ("payment_batch_id");--> statement-breakpoint
CREATE INDEX "claims_invoice_number" ON "claims" USING btree ("contract_id","invoice_number");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_idempotency" ON "claims" USING btree ("submitted_by_user_id","idempotency_key") WHERE "claims"."idempotency_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "quotes_email_bidx" ON "quotes" USING btree ("email_bidx");--> statement-breakpoint
CREATE INDEX "quotes_expires" ON "quotes" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tariff_age_bands_version_kind_min" ON "tariff_age_bands" USING btree ("version_id","person_kind","min_age");--> statement-breakpoint
CREATE UNIQUE INDEX "tariff_departement_zones_pk" ON "tariff_departement_zones" USING btree ("version_id","departement");--> statement-breakpoint
CREATE UNIQUE INDEX "tariff_factors_version_kind_key" ON "tariff_factors" USING btree ("version_id","kind","key");--> statement-breakpoint
CREATE UNIQUE INDEX "sepa_mandates_reference" ON "sepa_mandates" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "sepa_mandates_contract" ON "sepa_mandates" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "subscription_drafts_status" ON "subscription_drafts" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "subscription_drafts_contract" ON "subscription_drafts" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "contact_message_events_message" ON "contact_message_events" USING btree ("message_id","at");--> statement-breakpoint
CREATE INDEX "contact_messages_status_created" ON "contact_messages" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "contact_messages_email_bidx" ON "contact_messages" USING btree ("email_bidx");--> statement-breakpoint
CREATE INDEX "contact_pow_spent_expires" ON "contact_pow_spent" USING btree ("expires_at");