CREATE TABLE "flow_record_errors" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"flow_id" uuid NOT NULL,
	"run_id" uuid,
	"division" integer NOT NULL,
	"entity" text NOT NULL,
	"record_key" text NOT NULL,
	"record_label" text,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"reason" text,
	"payload" jsonb,
	"status" text DEFAULT 'open' NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"resolution" text,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_record_errors_status_check" CHECK ("flow_record_errors"."status" in ('open', 'retrying', 'resolved'))
);
--> statement-breakpoint
ALTER TABLE "flow_runs" DROP CONSTRAINT "flow_runs_trigger_check";--> statement-breakpoint
ALTER TABLE "flow_record_errors" ADD CONSTRAINT "flow_record_errors_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_record_errors" ADD CONSTRAINT "flow_record_errors_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_record_errors" ADD CONSTRAINT "flow_record_errors_run_id_flow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."flow_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flow_record_errors_workspace_idx" ON "flow_record_errors" USING btree ("workspace_id","status","created_at");--> statement-breakpoint
CREATE INDEX "flow_record_errors_run_idx" ON "flow_record_errors" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "flow_record_errors_unresolved_idx" ON "flow_record_errors" USING btree ("flow_id","division","entity","record_key") WHERE "flow_record_errors"."status" <> 'resolved';--> statement-breakpoint
ALTER TABLE "flow_runs" ADD CONSTRAINT "flow_runs_trigger_check" CHECK ("flow_runs"."trigger" in ('schedule', 'manual', 'resync', 'webhook', 'retry'));