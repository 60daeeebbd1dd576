-- Why: notification settings per type and channel (issue 15, item 5). One row per user, and only for users who changed something: `overrides` holds just the values that differ from the defaults in features/notifications/settings.ts ({"like": {"email": false}}), so 100k users on the defaults cost no row, and a type added later gets its default for everyone. It goes with its user (cascade), so the account purge needs no step for it.
CREATE TABLE "notification_settings" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_settings_overrides_object" CHECK (jsonb_typeof("notification_settings"."overrides") = 'object')
);
--> statement-breakpoint
ALTER TABLE "notification_settings" ADD CONSTRAINT "notification_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
