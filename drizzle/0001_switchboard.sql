CREATE TYPE "public"."reopen_request_status" AS ENUM('PENDING', 'APPROVED', 'REJECTED', 'APPLIED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."service_state" AS ENUM('OPEN', 'CLOSED', 'FALLBACK', 'RETESTING', 'REOPENING');--> statement-breakpoint
CREATE TYPE "public"."webhook_status" AS ENUM('PENDING', 'DELIVERED', 'DEAD');--> statement-breakpoint
CREATE SEQUENCE "public"."switchboard_version_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "reopen_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_key" text NOT NULL,
	"status" "reopen_request_status" DEFAULT 'PENDING' NOT NULL,
	"origin" text NOT NULL,
	"requested_by_user_id" uuid,
	"requested_by_label" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"rollout_percent" smallint DEFAULT 100 NOT NULL,
	"scheduled_for" timestamp with time zone,
	"test_report" jsonb,
	"tests_passed_at" timestamp with time zone,
	"checklist" jsonb NOT NULL,
	"decided_by_user_id" uuid,
	"decided_by_label" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"applied_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancelled_by_label" text
);
--> statement-breakpoint
CREATE TABLE "switchboard_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"service_key" text NOT NULL,
	"from_state" "service_state",
	"to_state" "service_state" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_user_id" uuid,
	"actor_label" text NOT NULL,
	"reason" text,
	"public_message" text,
	"expected_return_at" timestamp with time zone,
	"rollout_percent" smallint,
	"group_id" uuid,
	"reopen_request_id" uuid
);
--> statement-breakpoint
CREATE TABLE "switchboard_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"heartbeat_at" timestamp with time zone NOT NULL,
	"applied_version" bigint NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "switchboard_services" (
	"key" text PRIMARY KEY NOT NULL,
	"state" "service_state" NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"reason" text,
	"public_message" text,
	"expected_return_at" timestamp with time zone,
	"rollout_percent" smallint,
	"group_id" uuid,
	"version" bigint NOT NULL,
	"updated_by_user_id" uuid,
	"updated_by_label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "switchboard_testers" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"added_by_label" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"url" text NOT NULL,
	"event_type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" "webhook_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "switchboard_testers" ADD CONSTRAINT "switchboard_testers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reopen_requests_service" ON "reopen_requests" USING btree ("service_key","status");--> statement-breakpoint
CREATE UNIQUE INDEX "reopen_requests_one_live_per_service" ON "reopen_requests" USING btree ("service_key") WHERE "reopen_requests"."status" in ('PENDING', 'APPROVED');--> statement-breakpoint
CREATE INDEX "switchboard_events_service_at" ON "switchboard_events" USING btree ("service_key","at");--> statement-breakpoint
CREATE INDEX "switchboard_events_version" ON "switchboard_events" USING btree ("version");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" USING btree ("status","next_attempt_at");