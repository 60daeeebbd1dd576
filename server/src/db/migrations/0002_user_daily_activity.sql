-- Why: daily active users must be countable for any past day; user_sessions.last_activity is overwritten on every visit, so it forgets earlier days. One row per (UTC day, user).
CREATE TABLE "user_daily_activity" (
	"day" date NOT NULL,
	"user_id" integer NOT NULL,
	CONSTRAINT "user_daily_activity_day_user_id_pk" PRIMARY KEY("day","user_id")
);
--> statement-breakpoint
ALTER TABLE "user_daily_activity" ADD CONSTRAINT "user_daily_activity_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;