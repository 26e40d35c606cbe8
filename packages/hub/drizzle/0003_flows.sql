CREATE TABLE "destinations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"connection_string_enc" text NOT NULL,
	"last_test" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "destinations_kind_check" CHECK ("destinations"."kind" in ('postgres'))
);
--> statement-breakpoint
CREATE TABLE "flow_run_streams" (
	"run_id" uuid NOT NULL,
	"division" integer NOT NULL,
	"entity" text NOT NULL,
	"status" text NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_written" integer DEFAULT 0 NOT NULL,
	"rows_deleted" integer DEFAULT 0 NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"cursor_before" jsonb,
	"cursor_after" jsonb,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"error" jsonb,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_run_streams_run_id_division_entity_pk" PRIMARY KEY("run_id","division","entity")
);
--> statement-breakpoint
CREATE TABLE "flow_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"flow_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"resync" boolean DEFAULT false NOT NULL,
	"only" text[],
	"status" text DEFAULT 'queued' NOT NULL,
	"error" jsonb,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "flow_runs_status_check" CHECK ("flow_runs"."status" in ('queued', 'running', 'succeeded', 'failed', 'needs_reauth')),
	CONSTRAINT "flow_runs_trigger_check" CHECK ("flow_runs"."trigger" in ('schedule', 'manual', 'resync', 'webhook'))
);
--> statement-breakpoint
CREATE TABLE "flow_streams" (
	"flow_id" uuid NOT NULL,
	"division" integer NOT NULL,
	"entity" text NOT NULL,
	"last_run_id" uuid,
	"last_status" text,
	"cursor" jsonb,
	"webhook_topic" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_streams_flow_id_division_entity_pk" PRIMARY KEY("flow_id","division","entity")
);
--> statement-breakpoint
CREATE TABLE "flows" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"package_id" text NOT NULL,
	"name" text NOT NULL,
	"divisions" integer[],
	"entities" text[] NOT NULL,
	"destination_id" uuid,
	"settings" jsonb NOT NULL,
	"schedule" text NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'idle' NOT NULL,
	"last_run_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flows_status_check" CHECK ("flows"."status" in ('idle', 'running', 'succeeded', 'failed', 'needs_reauth'))
);
--> statement-breakpoint
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_run_streams" ADD CONSTRAINT "flow_run_streams_run_id_flow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."flow_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_runs" ADD CONSTRAINT "flow_runs_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_streams" ADD CONSTRAINT "flow_streams_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flows" ADD CONSTRAINT "flows_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flows" ADD CONSTRAINT "flows_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flows" ADD CONSTRAINT "flows_destination_id_destinations_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."destinations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "destinations_workspace_idx" ON "destinations" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "flow_runs_flow_queued_idx" ON "flow_runs" USING btree ("flow_id","queued_at");--> statement-breakpoint
CREATE INDEX "flows_workspace_idx" ON "flows" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "flows_connection_idx" ON "flows" USING btree ("connection_id");