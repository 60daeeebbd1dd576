-- Why: account deletion (issue 15). A request hides the account at once (is_blocked, the switch every reader already honours) and schedules the purge: deletion_requested_at/_by/_due_at say when, who and until when it can be cancelled; deleted_at marks the anonymised tombstone the purge leaves (its id stays for the reports and audit entries that name it). The purge deletes a deleted person's posts, comments, bookmarks and messages a batch at a time: the new indexes let each row's foreign-key checks and the per-post clean-ups probe instead of scanning notifications, bookmarks, reports, conversations, mentions and trending's per-author use.
ALTER TABLE "users" ADD COLUMN "deletion_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deletion_requested_by" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deletion_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "users_deletion_due_idx" ON "users" USING btree ("deletion_due_at") WHERE "users"."deletion_due_at" IS NOT NULL AND "users"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "bookmarks_post_id_idx" ON "bookmarks" USING btree ("post_id");--> statement-breakpoint
CREATE INDEX "notifications_related_user_idx" ON "notifications" USING btree ("related_user_id") WHERE "notifications"."related_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "notifications_related_post_idx" ON "notifications" USING btree ("related_post_id") WHERE "notifications"."related_post_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "notifications_related_comment_idx" ON "notifications" USING btree ("related_comment_id") WHERE "notifications"."related_comment_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "reports_reported_post_idx" ON "reports" USING btree ("reported_post_id") WHERE "reports"."reported_post_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "reports_reported_comment_idx" ON "reports" USING btree ("reported_comment_id") WHERE "reports"."reported_comment_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_last_message_id_idx" ON "conversations" USING btree ("last_message_id");--> statement-breakpoint
CREATE INDEX "post_mentions_user_id_idx" ON "post_mentions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "comment_mentions_user_id_idx" ON "comment_mentions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "hashtag_usage_user_id_idx" ON "hashtag_usage" USING btree ("user_id");
