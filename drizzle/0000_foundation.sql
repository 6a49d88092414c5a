CREATE TYPE "public"."beneficiary_role" AS ENUM('MEMBER', 'SPOUSE', 'CHILD');--> statement-breakpoint
CREATE TYPE "public"."contract_kind" AS ENUM('INDIVIDUAL', 'COLLECTIVE');--> statement-breakpoint
CREATE TYPE "public"."contract_status" AS ENUM('PENDING', 'ACTIVE', 'SUSPENDED', 'TERMINATED', 'REFUSED');--> statement-breakpoint
CREATE TYPE "public"."guarantee_basis" AS ENUM('PCT_BR_INCLUDING_SECU', 'PCT_BR_EXCLUDING_SECU', 'REAL_COST', 'FLAT_PER_PERIOD', 'PER_DAY', 'FULL_100_SANTE', 'NONE');--> statement-breakpoint
CREATE TYPE "public"."mail_status" AS ENUM('PENDING', 'SENT', 'DEAD');--> statement-breakpoint
CREATE TYPE "public"."social_security_scheme" AS ENUM('GENERAL', 'ALSACE_MOSELLE');--> statement-breakpoint
CREATE TYPE "public"."token_purpose" AS ENUM('ACTIVATION', 'PASSWORD_RESET');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('MEMBER', 'CLAIMS_HANDLER', 'ADMIN');--> statement-breakpoint
CREATE TYPE "public"."user_status" AS ENUM('ACTIVE', 'DISABLED');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_user_id" uuid,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"ip_hash" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"purpose" "token_purpose" NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" uuid,
	"person_id" uuid,
	"email" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auth_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"kind" "contract_kind" NOT NULL,
	"status" "contract_status" NOT NULL,
	"formula_id" uuid NOT NULL,
	"employer_id" uuid,
	"start_date" date NOT NULL,
	"end_date" date,
	"scheme" "social_security_scheme" DEFAULT 'GENERAL' NOT NULL,
	"departement" text NOT NULL,
	"iban_enc" text,
	"iban_bidx" text,
	"iban_hint" text,
	"bic" text,
	"iban_changed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_number_unique" UNIQUE("number"),
	CONSTRAINT "contracts_collective_has_employer" CHECK ("contracts"."kind" <> 'COLLECTIVE' OR "contracts"."employer_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "employers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"siren" text NOT NULL,
	"siret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "employers_siret_unique" UNIQUE("siret")
);
--> statement-breakpoint
CREATE TABLE "formulas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"tariff_multiplier_permille" integer NOT NULL,
	"is_responsible" boolean DEFAULT true NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"sort_order" smallint DEFAULT 0 NOT NULL,
	CONSTRAINT "formulas_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "guarantee_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"formula_id" uuid NOT NULL,
	"category" text NOT NULL,
	"label" text NOT NULL,
	"basis" "guarantee_basis" NOT NULL,
	"rate_pct" integer,
	"amount_cents" integer,
	"max_count" integer,
	"max_days" integer,
	"ceiling_cents" integer,
	"period_months" integer,
	"summary" text NOT NULL,
	"sort_order" smallint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" text NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text,
	"template" text NOT NULL,
	"status" "mail_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_outbox_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"role" "beneficiary_role" NOT NULL,
	"member_number" text,
	"civility" text,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"nir_enc" text,
	"nir_bidx" text,
	"nir_hint" text,
	"nir_holder_person_id" uuid,
	"birth_rank" smallint,
	"id_number_enc" text,
	"email" text,
	"phone" text,
	"address_line" text,
	"postcode" text,
	"city" text,
	"c2s" boolean DEFAULT false NOT NULL,
	"covered_from" date NOT NULL,
	"covered_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_member_number_unique" UNIQUE("member_number"),
	CONSTRAINT "persons_nir_or_holder" CHECK ("persons"."nir_enc" IS NOT NULL OR ("persons"."nir_holder_person_id" IS NOT NULL AND "persons"."birth_rank" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "regulatory_parameters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"value_cents" integer NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"mfa_verified" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip_hash" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "system_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "throttle_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"role" "user_role" NOT NULL,
	"status" "user_status" DEFAULT 'ACTIVE' NOT NULL,
	"display_name" text NOT NULL,
	"person_id" uuid,
	"password_hash" text,
	"totp_key_enc" text,
	"totp_enabled" boolean DEFAULT false NOT NULL,
	"totp_last_step" integer,
	"password_changed_at" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_staff_have_no_person" CHECK ("users"."role" = 'MEMBER' OR "users"."person_id" IS NULL)
);
--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_formula_id_formulas_id_fk" FOREIGN KEY ("formula_id") REFERENCES "public"."formulas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guarantee_lines" ADD CONSTRAINT "guarantee_lines_formula_id_formulas_id_fk" FOREIGN KEY ("formula_id") REFERENCES "public"."formulas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_action" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "audit_log_actor" ON "audit_log" USING btree ("actor_user_id");--> statement-breakpoint
CREATE INDEX "auth_tokens_user" ON "auth_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "auth_tokens_person" ON "auth_tokens" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "contracts_formula" ON "contracts" USING btree ("formula_id");--> statement-breakpoint
CREATE INDEX "contracts_employer" ON "contracts" USING btree ("employer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "guarantee_lines_formula_category" ON "guarantee_lines" USING btree ("formula_id","category");--> statement-breakpoint
CREATE INDEX "mail_outbox_due" ON "mail_outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "persons_contract" ON "persons" USING btree ("contract_id");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_nir_bidx" ON "persons" USING btree ("nir_bidx");--> statement-breakpoint
CREATE INDEX "persons_email" ON "persons" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "regulatory_parameters_key_from" ON "regulatory_parameters" USING btree ("key","valid_from");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_person" ON "users" USING btree ("person_id");