ALTER TABLE "flow_runs" DROP CONSTRAINT "flow_runs_status_check";--> statement-breakpoint
ALTER TABLE "flow_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flow_runs" ADD CONSTRAINT "flow_runs_status_check" CHECK ("flow_runs"."status" in ('queued', 'running', 'succeeded', 'failed', 'needs_reauth', 'interrupted'));