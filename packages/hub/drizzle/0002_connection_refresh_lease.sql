ALTER TABLE "connections" ADD COLUMN "refresh_lease_owner" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "refresh_lease_until" timestamp with time zone;