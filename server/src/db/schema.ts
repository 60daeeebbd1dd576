// One typed schema mirroring docs/schema.dbml.md. Every table, column, enum, foreign key and
// index of the diagram is here; additions are marked "added:" with the reason.
//
// Deliberate tightenings, applied uniformly:
// - timestamps are `timestamptz`, so every instant is unambiguous UTC whatever the server's zone;
// - columns the diagram gives a default (booleans, role, status, created_at...) are NOT NULL,
//   so three-valued logic never leaks into filters such as `is_deleted = false`.
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  json,
  jsonb,
  pgEnum,
  customType,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core'

/** A text-search document (PostgreSQL `tsvector`); read only by SQL, never selected into JavaScript. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const createdAt = () => ts('created_at').notNull().defaultNow()
const updatedAt = () => ts('updated_at').notNull().defaultNow()
const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity()

export const userRole = pgEnum('user_role', ['user', 'admin'])
export const oauthProvider = pgEnum('oauth_provider', ['google', 'github'])
export const messageType = pgEnum('message_type', ['text', 'image', 'file'])
export const notificationType = pgEnum('notification_type', ['like', 'comment', 'follow', 'message', 'follow_request', 'mention'])
// added: who may start a conversation with an account.
export const messagePolicy = pgEnum('message_policy', ['everyone', 'following'])
export const reportReason = pgEnum('report_reason', ['spam', 'harassment', 'inappropriate_content', 'fake_profile', 'other'])
export const reportStatus = pgEnum('report_status', ['pending', 'reviewed', 'resolved', 'dismissed'])

export const users = pgTable(
  'users',
  {
    id: id(),
    email: varchar('email', { length: 255 }).notNull().unique(),
    username: varchar('username', { length: 50 }).notNull().unique(),
    passwordHash: varchar('password_hash', { length: 255 }),
    displayName: varchar('display_name', { length: 100 }),
    bio: text('bio'),
    avatarUrl: varchar('avatar_url', { length: 500 }),
    isBlocked: boolean('is_blocked').notNull().default(false),
    role: userRole('role').notNull().default('user'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // added: when the owner proved the email (verification link, password reset, or a provider
    // asserting it). Only proven owners take part in automatic OAuth linking.
    emailVerifiedAt: ts('email_verified_at'),
    // added: profile counters, kept correct in the same transaction as the follow/post that
    // changes them, so a profile read never counts rows (accounts may have 10^5 followers).
    followersCount: integer('followers_count').notNull().default(0),
    followingCount: integer('following_count').notNull().default(0),
    postsCount: integer('posts_count').notNull().default(0),
    // added: users can turn notification emails off.
    emailNotifications: boolean('email_notifications').notNull().default(true),
    // added: a private account's posts, comments on them, likers and follow lists are seen only
    // by its approved followers, itself and administrators; following it makes a request.
    isPrivate: boolean('is_private').notNull().default(false),
    // added: with 'following', only accounts this user follows may start a conversation.
    allowMessagesFrom: messagePolicy('allow_messages_from').notNull().default('everyone'),
    // added: photos of posts marked sensitive are shown without the blur for this user.
    showSensitiveMedia: boolean('show_sensitive_media').notNull().default(false),
    // added: account deletion (features/deletion). A request sets these and is_blocked (which
    // hides the account everywhere at once); the purge job runs once deletion_due_at has passed and
    // leaves an anonymised tombstone (deleted_at) whose id the reports and audit entries about it keep.
    // deletion_requested_by is the account itself or the administrator who deleted it (no foreign
    // key: that administrator's own account may be purged later).
    deletionRequestedAt: ts('deletion_requested_at'),
    deletionRequestedBy: integer('deletion_requested_by'),
    deletionDueAt: ts('deletion_due_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    // added: the purge job's queue: accounts waiting for their purge.
    index('users_deletion_due_idx')
      .on(t.deletionDueAt)
      .where(sql`${t.deletionDueAt} IS NOT NULL AND ${t.deletedAt} IS NULL`),
    // added: usernames are unique case-insensitively, and prefix search runs on lower().
    uniqueIndex('users_username_lower_key').using('btree', sql`lower(${t.username}) text_pattern_ops`),
    index('users_display_name_lower_idx').using('btree', sql`lower(${t.displayName}) text_pattern_ops`),
    // added: the orphan sweeper asks whether an avatar object is still somebody's avatar by the
    // URL's last segment (the random object name), whatever base URL the operator used since.
    index('users_avatar_name_idx')
      .using('btree', sql`substring(${t.avatarUrl} from '[^/]+$')`)
      .where(sql`${t.avatarUrl} IS NOT NULL`),
    // added: people search matches display names ignoring case and accents (migration 0011).
    index('users_display_name_search_idx').using('btree', sql`hearth_search_text(${t.displayName}) text_pattern_ops`),
  ],
)

export const oauthProviders = pgTable(
  'oauth_providers',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    provider: oauthProvider('provider').notNull(),
    providerUserId: varchar('provider_user_id', { length: 255 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('oauth_providers_provider_provider_user_id_key').on(t.provider, t.providerUserId),
    // added: "the caller's linked providers" is looked up by user.
    index('oauth_providers_user_id_idx').on(t.userId),
  ],
)

export const posts = pgTable(
  'posts',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    content: text('content').notNull(),
    imageUrls: json('image_urls'),
    isDeleted: boolean('is_deleted').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // added: counters kept in the same transaction as the like/comment, so a feed page of 20
    // posts reads 20 rows instead of counting every like of every post.
    likeCount: integer('like_count').notNull().default(0),
    commentCount: integer('comment_count').notNull().default(0),
    // added: when the post was soft-deleted; its photos are removed from storage
    // MEDIA_RETENTION_DAYS later (moderators still see them until then).
    deletedAt: ts('deleted_at'),
    // added: when the retention job removed the photos from storage (image_urls is kept as the
    // record of what was posted; readers show the photos as removed).
    mediaRemovedAt: ts('media_removed_at'),
    // added: when the photos of this deleted post left the public area (moved to private keys
    // that only administrators reach, through signed URLs); null while a deleted post's photos
    // are still public, which the retention job repairs.
    mediaHiddenAt: ts('media_hidden_at'),
    // added: content warnings; the web app blurs a sensitive post's photos behind its spoiler text.
    sensitive: boolean('sensitive').notNull().default(false),
    spoilerText: varchar('spoiler_text', { length: 500 }),
    // added: the caption's words for search, lower-cased and unaccented (migration 0011 defines
    // hearth_search_text); generated, so every insert and edit keeps it right.
    searchVector: tsvector('search_vector').generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, hearth_search_text(content))`),
  },
  (t) => [
    index('posts_user_id_idx').on(t.userId),
    index('posts_created_at_idx').on(t.createdAt),
    // added: keyset indexes for the home feed / profile (per author) and explore, live posts only.
    index('posts_user_feed_idx')
      .on(t.userId, t.createdAt.desc(), t.id.desc())
      .where(sql`NOT ${t.isDeleted}`),
    index('posts_explore_idx')
      .on(t.createdAt.desc(), t.id.desc())
      .where(sql`NOT ${t.isDeleted}`),
    // added: the media retention job's queue: deleted posts whose photos are still stored.
    index('posts_media_retention_idx')
      .on(t.deletedAt)
      .where(sql`${t.isDeleted} AND ${t.mediaRemovedAt} IS NULL AND ${t.imageUrls} IS NOT NULL`),
    // added: deleted posts whose photos are still public (a crash between the deletion and the
    // move): the retention job's repair queue, empty in normal operation.
    index('posts_media_unhidden_idx')
      .on(t.deletedAt)
      .where(sql`${t.isDeleted} AND ${t.mediaHiddenAt} IS NULL AND ${t.mediaRemovedAt} IS NULL AND ${t.imageUrls} IS NOT NULL`),
    // added: the orphan sweeper asks which storage keys some post still references, a batch at a
    // time. Only the keys are indexed (two per photo); fastupdate off so a probe never scans a
    // pending list and no post creation pays for flushing one.
    index('posts_image_keys_idx')
      .using('gin', sql`jsonb_path_query_array(${t.imageUrls}::jsonb, '$[*].keys[*]')`)
      .with({ fastupdate: false })
      .where(sql`${t.imageUrls} IS NOT NULL`),
    // added: post search (features/search), live posts only.
    index('posts_search_idx')
      .using('gin', t.searchVector)
      .with({ fastupdate: false })
      .where(sql`NOT ${t.isDeleted}`),
  ],
)

export const likes = pgTable(
  'likes',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('likes_user_id_post_id_key').on(t.userId, t.postId),
    index('likes_user_id_idx').on(t.userId),
    index('likes_post_id_idx').on(t.postId),
    // added: "who liked", newest first, keyset-paginated.
    index('likes_post_recent_idx').on(t.postId, t.createdAt.desc(), t.id.desc()),
  ],
)

// added: a person's saved posts, private to them. The list pages on (created_at, post_id): a
// post is saved once per person, so that key is unique within one person's list and the page
// statement (posts/page.ts) builds its cursor from the post's id.
export const bookmarks = pgTable(
  'bookmarks',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('bookmarks_user_id_post_id_key').on(t.userId, t.postId),
    index('bookmarks_user_recent_idx').on(t.userId, t.createdAt.desc(), t.postId.desc()),
    // added: an account's purge removes the bookmarks others made of its posts, and each deleted
    // post's foreign-key check probes here.
    index('bookmarks_post_id_idx').on(t.postId),
  ],
)

// added: hashtags (features/tags). One row per tag, its name normalised (NFKC, lower case: see
// lib/text-entities.ts) and unique; the unique index uses text_pattern_ops so that prefix search
// (LIKE 'pre%') reads it too. post_count counts live posts carrying the tag, kept in the same
// transaction as the post's create, edit or delete, so a tag page never counts rows.
export const hashtags = pgTable(
  'hashtags',
  {
    id: id(),
    name: varchar('name', { length: 100 }).notNull(),
    postCount: integer('post_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('hashtags_name_key').using('btree', sql`${t.name} text_pattern_ops`)],
)

// added: which live post carries which tag. The author and the post's created_at are copied here
// so the tag page and the home feed's followed-tags branch page straight off one index
// (hashtag_id, created_at, post_id), newest first, before touching posts.
export const postHashtags = pgTable(
  'post_hashtags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    hashtagId: integer('hashtag_id')
      .notNull()
      .references(() => hashtags.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.hashtagId] }),
    index('post_hashtags_tag_recent_idx').on(t.hashtagId, t.createdAt.desc(), t.postId.desc()),
  ],
)

// added: tags a person follows; their posts join that person's home feed.
export const tagFollows = pgTable(
  'tag_follows',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    hashtagId: integer('hashtag_id')
      .notNull()
      .references(() => hashtags.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.hashtagId] })],
)

// added: trending's input, one row per (UTC hour, tag, author) with how many of that author's
// live posts of that hour carry the tag; written with the post, decremented (and the row removed
// at zero) when the post loses the tag. Trending counts distinct authors over a range of hours on
// the primary key, never reading posts.
export const hashtagUsage = pgTable(
  'hashtag_usage',
  {
    hour: ts('hour').notNull(),
    hashtagId: integer('hashtag_id')
      .notNull()
      .references(() => hashtags.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    uses: integer('uses').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.hour, t.hashtagId, t.userId] }),
    // added: an account's purge (features/deletion) removes its rows.
    index('hashtag_usage_user_id_idx').on(t.userId),
  ],
)

// added: who a post's or a comment's @mentions notified (features/mentions), so an edit notifies
// only people newly mentioned and one text notifies at most ten people over all its versions.
export const postMentions = pgTable(
  'post_mentions',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.userId] }),
    // added: an account's purge (features/deletion) removes the mentions of it.
    index('post_mentions_user_id_idx').on(t.userId),
  ],
)

export const comments = pgTable(
  'comments',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    content: text('content').notNull(),
    parentCommentId: integer('parent_comment_id').references((): AnyPgColumn => comments.id),
    isDeleted: boolean('is_deleted').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // added: live replies, kept in the same transaction as the reply.
    replyCount: integer('reply_count').notNull().default(0),
  },
  (t) => [
    index('comments_post_id_idx').on(t.postId),
    index('comments_user_id_idx').on(t.userId),
    index('comments_parent_comment_id_idx').on(t.parentCommentId),
    // added: keyset indexes for top-level comments (oldest first) and replies.
    index('comments_top_level_idx')
      .on(t.postId, t.createdAt, t.id)
      .where(sql`${t.parentCommentId} IS NULL`),
    index('comments_replies_idx').on(t.parentCommentId, t.createdAt, t.id),
  ],
)

// added: see post_mentions.
export const commentMentions = pgTable(
  'comment_mentions',
  {
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.commentId, t.userId] }),
    // added: an account's purge (features/deletion) removes the mentions of it.
    index('comment_mentions_user_id_idx').on(t.userId),
  ],
)

export const follows = pgTable(
  'follows',
  {
    id: id(),
    followerId: integer('follower_id')
      .notNull()
      .references(() => users.id),
    followingId: integer('following_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('follows_follower_id_following_id_key').on(t.followerId, t.followingId),
    index('follows_follower_id_idx').on(t.followerId),
    index('follows_following_id_idx').on(t.followingId),
    // added: follower / following lists, newest first, keyset-paginated.
    index('follows_followers_list_idx').on(t.followingId, t.createdAt.desc(), t.id.desc()),
    index('follows_following_list_idx').on(t.followerId, t.createdAt.desc(), t.id.desc()),
    check('follows_not_self', sql`${t.followerId} <> ${t.followingId}`),
  ],
)

// added: follow requests to private accounts, in a table of their own rather than a status on
// follows, so that every reader of follows (home feed, counters, lists) keeps meaning "approved"
// and pays nothing for requests; accepting moves the row into follows in one transaction.
export const followRequests = pgTable(
  'follow_requests',
  {
    id: id(),
    requesterId: integer('requester_id')
      .notNull()
      .references(() => users.id),
    targetId: integer('target_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('follow_requests_pair_key').on(t.requesterId, t.targetId),
    // incoming requests, newest first, keyset-paginated.
    index('follow_requests_incoming_idx').on(t.targetId, t.createdAt.desc(), t.id.desc()),
    check('follow_requests_not_self', sql`${t.requesterId} <> ${t.targetId}`),
  ],
)

// added: blocks work both ways; the pair key answers "does A block B", the reverse index
// "is A blocked by B", so the visibility predicate is two index probes either way.
export const userBlocks = pgTable(
  'user_blocks',
  {
    id: id(),
    blockerId: integer('blocker_id')
      .notNull()
      .references(() => users.id),
    blockedId: integer('blocked_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('user_blocks_pair_key').on(t.blockerId, t.blockedId),
    index('user_blocks_reverse_idx').on(t.blockedId, t.blockerId),
    index('user_blocks_list_idx').on(t.blockerId, t.createdAt.desc(), t.id.desc()),
    check('user_blocks_not_self', sql`${t.blockerId} <> ${t.blockedId}`),
  ],
)

// added: mutes are one-directional and silent: only the muter's feeds and notifications change.
export const userMutes = pgTable(
  'user_mutes',
  {
    id: id(),
    muterId: integer('muter_id')
      .notNull()
      .references(() => users.id),
    mutedId: integer('muted_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('user_mutes_pair_key').on(t.muterId, t.mutedId),
    index('user_mutes_list_idx').on(t.muterId, t.createdAt.desc(), t.id.desc()),
    check('user_mutes_not_self', sql`${t.muterId} <> ${t.mutedId}`),
  ],
)

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    user1Id: integer('user1_id')
      .notNull()
      .references(() => users.id),
    user2Id: integer('user2_id')
      .notNull()
      .references(() => users.id),
    lastMessageId: integer('last_message_id').references((): AnyPgColumn => messages.id),
    lastMessageAt: ts('last_message_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_user1_id_user2_id_key').on(t.user1Id, t.user2Id),
    index('conversations_user1_id_idx').on(t.user1Id),
    index('conversations_user2_id_idx').on(t.user2Id),
    index('conversations_last_message_at_idx').on(t.lastMessageAt),
    // added: the purge deletes a deleted account's messages; each one's foreign-key check probes here.
    index('conversations_last_message_id_idx').on(t.lastMessageId),
    // added: a pair is stored once, smaller id first, so A→B and B→A are the same row.
    check('conversations_canonical_pair', sql`${t.user1Id} < ${t.user2Id}`),
  ],
)

export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: integer('conversation_id')
      .notNull()
      .references((): AnyPgColumn => conversations.id),
    senderId: integer('sender_id')
      .notNull()
      .references(() => users.id),
    receiverId: integer('receiver_id')
      .notNull()
      .references(() => users.id),
    content: text('content').notNull(),
    messageType: messageType('message_type').notNull().default('text'),
    fileUrl: varchar('file_url', { length: 500 }),
    metadata: jsonb('metadata'),
    isRead: boolean('is_read').notNull().default(false),
    isDeleted: boolean('is_deleted').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('messages_conversation_id_idx').on(t.conversationId),
    index('messages_conversation_id_created_at_idx').on(t.conversationId, t.createdAt),
    index('messages_sender_id_idx').on(t.senderId),
    index('messages_receiver_id_idx').on(t.receiverId),
    index('messages_is_read_idx').on(t.isRead),
    // added: history newest first with an id tie-breaker; unread counts per conversation.
    index('messages_history_idx').on(t.conversationId, t.createdAt.desc(), t.id.desc()),
    index('messages_unread_idx')
      .on(t.receiverId, t.conversationId)
      .where(sql`NOT ${t.isRead}`),
    // added: the orphan sweeper asks which attachment keys a message still references.
    index('messages_file_url_idx')
      .on(t.fileUrl)
      .where(sql`${t.fileUrl} IS NOT NULL`),
  ],
)

export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    type: notificationType('type').notNull(),
    message: text('message').notNull(),
    relatedUserId: integer('related_user_id').references(() => users.id),
    relatedPostId: integer('related_post_id').references(() => posts.id),
    relatedCommentId: integer('related_comment_id').references(() => comments.id),
    isRead: boolean('is_read').notNull().default(false),
    isEmailSent: boolean('is_email_sent').notNull().default(false),
    createdAt: createdAt(),
    // added: the email outbox's bookkeeping (retry with backoff, last failure).
    emailAttempts: integer('email_attempts').notNull().default(0),
    emailNextAttemptAt: ts('email_next_attempt_at'),
    emailLastError: text('email_last_error'),
  },
  (t) => [
    index('notifications_user_id_idx').on(t.userId),
    index('notifications_created_at_idx').on(t.createdAt),
    index('notifications_is_read_idx').on(t.isRead),
    index('notifications_type_idx').on(t.type),
    // added: the list (newest first), the unread count, and the email outbox's queue.
    index('notifications_list_idx').on(t.userId, t.id.desc()),
    index('notifications_unread_idx')
      .on(t.userId)
      .where(sql`NOT ${t.isRead}`),
    index('notifications_email_queue_idx')
      .on(t.emailNextAttemptAt)
      .where(sql`NOT ${t.isEmailSent} AND NOT ${t.isRead}`),
    // added: an account's purge removes the notifications it caused and those about its posts and
    // comments; deleting a post or comment checks its foreign keys here.
    index('notifications_related_user_idx')
      .on(t.relatedUserId)
      .where(sql`${t.relatedUserId} IS NOT NULL`),
    index('notifications_related_post_idx')
      .on(t.relatedPostId)
      .where(sql`${t.relatedPostId} IS NOT NULL`),
    index('notifications_related_comment_idx')
      .on(t.relatedCommentId)
      .where(sql`${t.relatedCommentId} IS NOT NULL`),
    // added: grouped notifications (the bell): a notification's group (likes and comments of one
    // post, follows of one UTC day, anything else alone) and its newer members in one probe; the
    // expression is notifications/groups.ts groupRefSql, messages stay out of the bell.
    index('notifications_group_idx')
      .using(
        'btree',
        t.userId,
        t.type,
        sql`(CASE WHEN ${t.type} IN ('like', 'comment') THEN coalesce(${t.relatedPostId}, -${t.id}) WHEN ${t.type} = 'follow' THEN ((${t.createdAt} AT TIME ZONE 'UTC')::date - DATE '2000-01-01') ELSE -${t.id} END)`,
        t.id.desc(),
      )
      .where(sql`${t.type} <> 'message'`),
  ],
)

export const reports = pgTable(
  'reports',
  {
    id: id(),
    reporterId: integer('reporter_id')
      .notNull()
      .references(() => users.id),
    reportedUserId: integer('reported_user_id').references(() => users.id),
    reportedPostId: integer('reported_post_id').references(() => posts.id),
    reportedCommentId: integer('reported_comment_id').references(() => comments.id),
    reason: reportReason('reason').notNull(),
    description: text('description'),
    status: reportStatus('status').notNull().default('pending'),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewedAt: ts('reviewed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('reports_reporter_id_idx').on(t.reporterId),
    index('reports_status_idx').on(t.status),
    index('reports_created_at_idx').on(t.createdAt),
    // added: exactly one target per report, and one pending report per reporter and target.
    // added: the purge keeps what a report names (moderators' snapshot) and asks here.
    index('reports_reported_post_idx')
      .on(t.reportedPostId)
      .where(sql`${t.reportedPostId} IS NOT NULL`),
    index('reports_reported_comment_idx')
      .on(t.reportedCommentId)
      .where(sql`${t.reportedCommentId} IS NOT NULL`),
    check('reports_one_target', sql`num_nonnulls(${t.reportedUserId}, ${t.reportedPostId}, ${t.reportedCommentId}) = 1`),
    uniqueIndex('reports_pending_once_idx')
      .on(
        t.reporterId,
        sql`coalesce(${t.reportedUserId}, 0)`,
        sql`coalesce(${t.reportedPostId}, 0)`,
        sql`coalesce(${t.reportedCommentId}, 0)`,
      )
      .where(sql`${t.status} = 'pending'`),
  ],
)

export const userSessions = pgTable(
  'user_sessions',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    // The opaque session identifier carried as `sid` in every access token.
    sessionToken: varchar('session_token', { length: 500 }).notNull(),
    refreshTokenHash: varchar('refresh_token_hash', { length: 500 }),
    expiresAt: ts('expires_at').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    ipAddress: varchar('ip_address', { length: 45 }),
    userAgent: text('user_agent'),
    deviceFingerprint: varchar('device_fingerprint', { length: 255 }),
    lastActivity: ts('last_activity'),
    createdAt: createdAt(),
    // added: when and why the session ended (logout, revoked, refresh_reuse, password_changed...),
    // shown to the owner and kept for security review.
    revokedAt: ts('revoked_at'),
    revokedReason: varchar('revoked_reason', { length: 40 }),
    // added: a session made for a third-party (Mastodon) app through OAuth names the app and the
    // scopes granted to it (features/mastodon); null for the web app's own sessions.
    oauthAppId: integer('oauth_app_id').references((): AnyPgColumn => oauthApps.id),
    oauthScopes: varchar('oauth_scopes', { length: 1000 }),
  },
  (t) => [
    index('user_sessions_user_id_idx').on(t.userId),
    uniqueIndex('user_sessions_session_token_key').on(t.sessionToken),
    index('user_sessions_expires_at_idx').on(t.expiresAt),
    index('user_sessions_is_active_idx').on(t.isActive),
    index('user_sessions_oauth_app_id_idx').on(t.oauthAppId),
  ],
)

// added: third-party apps registered through the Mastodon API (POST /api/v1/apps, issue 16).
// Only the hash of the client secret is kept.
export const oauthApps = pgTable(
  'oauth_apps',
  {
    id: id(),
    clientId: varchar('client_id', { length: 64 }).notNull(),
    clientSecretHash: varchar('client_secret_hash', { length: 64 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    website: varchar('website', { length: 2000 }),
    // space-separated, as Mastodon takes them
    redirectUris: text('redirect_uris').notNull(),
    scopes: varchar('scopes', { length: 1000 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('oauth_apps_client_id_key').on(t.clientId)],
)

// added: OAuth authorization codes between consent and token exchange: single use, minutes long,
// with the PKCE challenge. Only the hash of the code is kept.
export const oauthAuthorizationCodes = pgTable(
  'oauth_authorization_codes',
  {
    codeHash: varchar('code_hash', { length: 64 }).primaryKey(),
    appId: integer('app_id')
      .notNull()
      .references(() => oauthApps.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    redirectUri: text('redirect_uri').notNull(),
    scopes: varchar('scopes', { length: 1000 }).notNull(),
    codeChallenge: varchar('code_challenge', { length: 128 }),
    codeChallengeMethod: varchar('code_challenge_method', { length: 10 }),
    expiresAt: ts('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('oauth_authorization_codes_app_id_idx').on(t.appId), index('oauth_authorization_codes_user_id_idx').on(t.userId)],
)

// added: app-only tokens (OAuth client_credentials grant): they act for the app, never for a user,
// so they are not sessions. Only the hash of the token is kept.
export const oauthAppTokens = pgTable(
  'oauth_app_tokens',
  {
    tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
    appId: integer('app_id')
      .notNull()
      .references(() => oauthApps.id),
    scopes: varchar('scopes', { length: 1000 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('oauth_app_tokens_app_id_idx').on(t.appId)],
)

// added: refresh tokens that were rotated away. Presenting one again means it was copied: the
// whole session is revoked (reuse detection). Only hashes are kept.
export const sessionRotatedTokens = pgTable(
  'session_rotated_tokens',
  {
    tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => userSessions.id, { onDelete: 'cascade' }),
    rotatedAt: ts('rotated_at').notNull().defaultNow(),
  },
  (t) => [index('session_rotated_tokens_session_id_idx').on(t.sessionId)],
)

// added: two-factor sign-in (TOTP, issue 15). The account's authenticator secret, AES-256-GCM
// encrypted with a key derived from JWT_SECRET (features/auth/two-factor-crypto.ts). Pending until
// a first correct code sets enabled_at; last_used_step is the RFC 6238 time step of the last
// accepted code, so no code is accepted twice.
export const userTotp = pgTable('user_totp', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretEncrypted: text('secret_encrypted').notNull(),
  enabledAt: ts('enabled_at'),
  lastUsedStep: integer('last_used_step'),
  createdAt: createdAt(),
})

// added: two-factor recovery codes, as keyed hashes (HMAC-SHA256); a code is deleted when used.
export const userRecoveryCodes = pgTable(
  'user_recovery_codes',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('user_recovery_codes_user_id_code_hash_key').on(t.userId, t.codeHash)],
)

// added: a dated trace of changes to an account's security (2FA enabled/disabled, a recovery code
// used), for its owner's Security log; where the change came from (IP, user agent) as sessions keep it.
export const securityEvents = pgTable(
  'security_events',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: varchar('kind', { length: 40 }).notNull(),
    ipAddress: varchar('ip_address', { length: 45 }),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
  },
  (t) => [index('security_events_user_recent_idx').on(t.userId, t.createdAt.desc(), t.id.desc())],
)

// added: what the realtime stream pushed to each user, so a client reconnecting with the last
// event id it saw gets everything it missed. Pruned after a retention period.
export const streamEvents = pgTable(
  'stream_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    type: varchar('type', { length: 50 }).notNull(),
    data: jsonb('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('stream_events_user_idx').on(t.userId, t.id), index('stream_events_created_at_idx').on(t.createdAt)],
)

// added: single-use tokens mailed to users (email verification, password reset); only hashes kept.
export const emailTokens = pgTable(
  'email_tokens',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    purpose: varchar('purpose', { length: 20 }).notNull(),
    tokenHash: varchar('token_hash', { length: 64 }).notNull(),
    email: varchar('email', { length: 255 }).notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('email_tokens_token_hash_key').on(t.tokenHash), index('email_tokens_user_idx').on(t.userId, t.purpose)],
)

// added: the outbox of account emails (verification, password reset, email change). A row is
// written with the token it carries, sent by the mail outbox worker with retries, and deleted once
// sent, retired or past expires_at (the link inside is dead by then), so a raw token never
// outlives its mail. next_attempt_at is the due time, then the claim's lease, then the retry time.
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: id(),
    toAddress: varchar('to_address', { length: 255 }).notNull(),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull(),
    bodyHtml: text('body_html'),
    /** what the mail is for, for the logs ('password reset'...) */
    kind: varchar('kind', { length: 40 }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    expiresAt: ts('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('mail_outbox_next_attempt_idx').on(t.nextAttemptAt)],
)

// added: who did what in the admin area, when (block, unblock, role change, report decisions).
export const adminAuditLog = pgTable(
  'admin_audit_log',
  {
    id: id(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    action: varchar('action', { length: 50 }).notNull(),
    targetType: varchar('target_type', { length: 20 }).notNull(),
    targetId: integer('target_id').notNull(),
    details: jsonb('details'),
    createdAt: createdAt(),
  },
  (t) => [index('admin_audit_log_created_at_idx').on(t.createdAt.desc()), index('admin_audit_log_target_idx').on(t.targetType, t.targetId)],
)

export const appStatistics = pgTable(
  'app_statistics',
  {
    id: id(),
    date: date('date', { mode: 'string' }).notNull(),
    activeUsers: integer('active_users').notNull().default(0),
    totalPosts: integer('total_posts').notNull().default(0),
    totalLikes: integer('total_likes').notNull().default(0),
    totalComments: integer('total_comments').notNull().default(0),
    totalMessages: integer('total_messages').notNull().default(0),
    newUsers: integer('new_users').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('app_statistics_date_key').on(t.date)],
)

// added: which users were active on which (UTC) day, one row per user and day. user_sessions
// cannot answer "was this user active on day D" after the fact: last_activity is overwritten on
// every visit, so a user active on Monday and again on Tuesday leaves no trace of Monday. The
// daily statistics (active_users) count these rows; the app writes at most one per user, day
// and instance (ON CONFLICT DO NOTHING).
export const userDailyActivity = pgTable(
  'user_daily_activity',
  {
    day: date('day', { mode: 'string' }).notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] })],
)

// added: Idempotency-Key replays (http/idempotency.ts). A create with a key claims its row before
// it runs and fills in the response after; a retry with the same key and body within 24 h gets
// that response instead of a second post, comment or message. Expired rows are deleted hourly.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 255 }).notNull(),
    // sha256 (hex) of the route, its params and the body (multipart: text fields and file digests)
    requestHash: varchar('request_hash', { length: 64 }).notNull(),
    // null while the request is in progress
    status: integer('status'),
    response: jsonb('response'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_at_idx').on(t.createdAt)],
)

// added: notification settings per type and channel (features/notifications/settings.ts). A row only
// for a user who changed something, holding only what differs from the defaults; see migration 0015.
export const notificationSettings = pgTable(
  'notification_settings',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    overrides: jsonb('overrides').$type<Record<string, Record<string, boolean>>>().notNull().default({}),
    updatedAt: updatedAt(),
  },
  (t) => [check('notification_settings_overrides_object', sql`jsonb_typeof(${t.overrides}) = 'object'`)],
)

export const schema = {
  userRole,
  oauthProvider,
  messageType,
  notificationType,
  reportReason,
  reportStatus,
  users,
  oauthProviders,
  posts,
  likes,
  bookmarks,
  hashtags,
  postHashtags,
  tagFollows,
  hashtagUsage,
  postMentions,
  comments,
  commentMentions,
  follows,
  conversations,
  messages,
  notifications,
  notificationSettings,
  reports,
  userSessions,
  sessionRotatedTokens,
  streamEvents,
  emailTokens,
  adminAuditLog,
  appStatistics,
  userDailyActivity,
  idempotencyKeys,
}
