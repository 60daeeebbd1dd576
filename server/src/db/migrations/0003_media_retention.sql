-- Why: photos of soft-deleted posts are removed from storage MEDIA_RETENTION_DAYS after the deletion (deleted_at; media_removed_at marks it done), and the orphan sweeper looks up storage keys in posts, users and messages a batch at a time through indexes. Posts deleted before this migration count as deleted now, so none loses its photos earlier than the retention promises.
ALTER TABLE "posts" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "media_removed_at" timestamp with time zone;--> statement-breakpoint
UPDATE "posts" SET "deleted_at" = now() WHERE "is_deleted";--> statement-breakpoint
CREATE INDEX "messages_file_url_idx" ON "messages" USING btree ("file_url") WHERE "messages"."file_url" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "posts_media_retention_idx" ON "posts" USING btree ("deleted_at") WHERE "posts"."is_deleted" AND "posts"."media_removed_at" IS NULL AND "posts"."image_urls" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "posts_image_keys_idx" ON "posts" USING gin (("image_urls"::jsonb) jsonb_path_ops) WHERE "posts"."image_urls" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "users_avatar_name_idx" ON "users" USING btree (substring("avatar_url" from '[^/]+$')) WHERE "users"."avatar_url" IS NOT NULL;