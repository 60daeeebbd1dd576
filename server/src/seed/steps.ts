// The seed's SQL, one set-based statement per step: rows come from generate_series and random(),
// never from a loop in JS. Every number interpolated here is a validated integer or a constant of
// this file, and every string goes through `lit`, so the texts are safe to run as they are.
//
// Shapes, chosen to look like a photo-sharing network:
// - popularity: accounts are ranked by a random permutation; each follow picks its target rank
//   from a Zipf-like law (exponent FOLLOW_ZIPF), so a handful of accounts are followed by a large
//   share of everyone and most by tens to hundreds;
// - following counts: log-normal (median FOLLOW_MEDIAN), a few users follow a thousand accounts;
// - posting: log-normal activity per user, LURKERS post nothing; posts span POST_DAYS days,
//   denser towards now; ids increase with time, as they would have;
// - likes: per post ∝ (the author's followers)^1.15 × a log-normal "buzz", mostly soon after posting;
// - comments: per post ∝ its likes; 70% top-level, 25% replies to them, 5% replies to replies;
//   a reply is by the post's author one time in four;
// - a few deleted posts and comments and suspended users, so filters have something to filter;
// - expression: a third of the captions carry hashtags (Zipf-like over HASHTAGS, Unicode ones too),
//   a few mention a (mostly popular) person, half the photos have alt text, a few posts a content warning;
// - safety: SAFETY_ACTORS of users each block and mute a few accounts, drawn by the same
//   popularity law as follows (people block and mute whom they come across), and PRIVATE_ACCOUNTS
//   of accounts are private (their followers are approved followers, as after accepted requests);
// - counters are computed from the rows, before the rows are written (no second pass), except the
//   few that the safety step takes back: a block ends follows both ways and the blocked person's
//   likes on the blocker's posts, as blocking does in the app (safety/service.ts).
//
// The safety step runs last, so that the same --seed draws the same users, follows, posts, likes
// and comments as before it existed (a benchmark can compare the two datasets).
import {
  ALT_TEXTS,
  BIOS,
  COMMENT_PHRASES,
  FIRST_NAMES,
  HASHTAGS,
  LAST_NAMES,
  POST_SENTENCES,
  seedImages,
  SPOILER_TEXTS,
} from './content.js'

export const FOLLOW_MEDIAN = 50
const FOLLOW_SIGMA = 1.0
const FOLLOW_ZIPF = 0.8
const LURKERS = 0.15
export const POST_DAYS = 182
const DELETED_POSTS = 0.01
const DELETED_COMMENTS = 0.02
const BLOCKED_USERS = 0.002
const SAFETY_ACTORS = 0.02
const SAFETY_MAX_EACH = 5
const PRIVATE_ACCOUNTS = 0.1
const TAGGED_POSTS = 0.35
const TAG_ZIPF = 0.9
const MENTIONING_POSTS = 0.06
const DESCRIBED_PHOTOS = 0.5
const SENSITIVE_POSTS = 0.02

export interface Counts {
  users: number
  posts: number
  likes: number
  comments: number
}

/** Where the new ids start: the seed appends to whatever the database holds. */
export interface Bases {
  user: number
  post: number
  comment: number
}

export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`
const textArray = (items: readonly string[]) => `ARRAY[${items.map(lit).join(',')}]::text[]`
/** one element of a constant array, picked at random */
const pick = (items: readonly string[]) => `(${textArray(items)})[1 + floor(random() * ${items.length})::int]`
/** one element of a constant array, the first ones far more often than the last (a Zipf-like law) */
function pickZipf(items: readonly string[], exponent: number): string {
  const e = 1 - exponent
  const n = items.length
  return `(${textArray(items)})[least(${n}, floor(power(1 + random() * (power(${n + 1}, ${e}) - 1), ${1 / e})))::int]`
}
/** a standard normal variate (Box–Muller) */
const NORMAL = `(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))`

export function usersStaging(n: number, base: number): string {
  // Following slots are drawn per user; repeated targets collapse, so the realised counts are a
  // little lower for users with many slots (they keep hitting the same famous accounts).
  return `CREATE TEMP TABLE s_users ON COMMIT DROP AS
SELECT id,
  row_number() OVER (ORDER BY random())::int AS pop_rank,
  greatest(3, least(${n - 1}, round(exp(ln(${FOLLOW_MEDIAN}) + ${FOLLOW_SIGMA} * z1))))::int AS follow_slots,
  CASE WHEN random() < ${LURKERS} THEN 0 ELSE exp(1.1 * z2) END AS activity,
  now() - interval '1 day' * (${POST_DAYS + 8} + 500 * random()) AS created_at,
  random() < ${BLOCKED_USERS} AS is_blocked
FROM (SELECT ${base} + g AS id, ${NORMAL} AS z1, ${NORMAL} AS z2 FROM generate_series(1, ${n}) g) x`
}

/** A popularity rank drawn from the inverse CDF of a continuous power law on [1, n+1) with exponent FOLLOW_ZIPF. */
function popularRank(n: number): string {
  const e = 1 - FOLLOW_ZIPF
  return `least(${n}, floor(power(1 + random() * (power(${n + 1}, ${e}) - 1), ${1 / e})))::int`
}

export function follows(n: number): string {
  const rank = popularRank(n)
  return `INSERT INTO follows (follower_id, following_id, created_at)
WITH slots AS MATERIALIZED (
  SELECT s.id AS follower_id, ${rank} AS target_rank
  FROM s_users s CROSS JOIN LATERAL generate_series(1, s.follow_slots) g
),
edges AS (
  SELECT DISTINCT sl.follower_id, t.id AS following_id
  FROM slots sl JOIN s_users t ON t.pop_rank = sl.target_rank
  WHERE t.id <> sl.follower_id
)
SELECT e.follower_id, e.following_id,
  greatest(fu.created_at, tu.created_at) + (now() - greatest(fu.created_at, tu.created_at)) * random()
FROM edges e JOIN s_users fu ON fu.id = e.follower_id JOIN s_users tu ON tu.id = e.following_id
ORDER BY e.follower_id, e.following_id`
}

export function followerCounts(userBase: number): string {
  return `CREATE TEMP TABLE s_follow_counts ON COMMIT DROP AS
SELECT u.id, coalesce(fr.n, 0)::int AS followers, coalesce(fg.n, 0)::int AS following
FROM s_users u
LEFT JOIN (SELECT following_id AS id, count(*) AS n FROM follows WHERE following_id > ${userBase} GROUP BY 1) fr ON fr.id = u.id
LEFT JOIN (SELECT follower_id AS id, count(*) AS n FROM follows WHERE follower_id > ${userBase} GROUP BY 1) fg ON fg.id = u.id`
}

export function postsStaging(p: number, base: number): string {
  // Largest-remainder apportionment: exactly p posts, split in proportion to activity.
  return `CREATE TEMP TABLE s_posts ON COMMIT DROP AS
WITH share AS (SELECT id, activity / sum(activity) OVER () * ${p} AS exact FROM s_users),
whole AS (SELECT id, floor(exact)::int AS base, exact - floor(exact) AS frac FROM share),
per_user AS (
  SELECT id, base + (row_number() OVER (ORDER BY frac DESC) <= ${p} - sum(base) OVER ())::int AS n FROM whole
),
raw AS MATERIALIZED (
  SELECT pu.id AS user_id, now() - interval '${POST_DAYS} days' * power(random(), 1.3) AS created_at
  FROM per_user pu CROSS JOIN LATERAL generate_series(1, pu.n) g
)
SELECT (${base} + row_number() OVER (ORDER BY created_at))::int AS id, user_id, created_at,
  random() < ${DELETED_POSTS} AS is_deleted,
  exp(1.1 * ${NORMAL}) AS buzz
FROM raw`
}

export function likes(l: number, users: number, userBase: number): string {
  // 4% more candidates than asked, since a repeated (user, post) pair collapses into one like.
  const cap = Math.max(1, Math.floor(users * 0.6))
  return `INSERT INTO likes (user_id, post_id, created_at)
WITH weights AS (
  SELECT p.id, p.created_at, power(coalesce(c.followers, 0) + 2, 1.15) * p.buzz AS w
  FROM s_posts p LEFT JOIN s_follow_counts c ON c.id = p.user_id
),
targets AS (
  SELECT id, created_at, least(${cap}, floor(${Math.ceil(l * 1.04)} * w / sum(w) OVER () + random()))::int AS n FROM weights
),
raw AS MATERIALIZED (
  SELECT ${userBase + 1} + floor(random() * ${users})::int AS user_id, t.id AS post_id,
    t.created_at + (now() - t.created_at) * power(random(), 6) AS created_at
  FROM targets t CROSS JOIN LATERAL generate_series(1, t.n) g
)
SELECT user_id, post_id, min(created_at) AS created_at FROM raw GROUP BY user_id, post_id
ORDER BY created_at LIMIT ${l}`
}

export function likeCounts(postBase: number): string {
  return `CREATE TEMP TABLE s_like_counts ON COMMIT DROP AS
SELECT post_id AS id, count(*)::int AS n FROM likes WHERE post_id > ${postBase} GROUP BY post_id`
}

export function commentsStaging(): string {
  return `CREATE TEMP TABLE s_comments (
  tmp int NOT NULL, post_id int NOT NULL, parent_tmp int, user_id int NOT NULL,
  created_at timestamptz NOT NULL, is_deleted boolean NOT NULL
) ON COMMIT DROP`
}

const commenter = (postAuthor: string, share: number, users: number, userBase: number) =>
  `CASE WHEN random() < ${share} THEN ${postAuthor} ELSE ${userBase + 1} + floor(random() * ${users})::int END`

export function topLevelComments(count: number, users: number, userBase: number): string {
  return `INSERT INTO s_comments
WITH weights AS (
  SELECT p.id, p.user_id, p.created_at, (coalesce(lc.n, 0) + 1) * (0.5 + random()) AS w
  FROM s_posts p LEFT JOIN s_like_counts lc ON lc.id = p.id
),
targets AS (
  SELECT id, user_id, created_at, floor(${Math.ceil(count * 1.02)} * w / sum(w) OVER () + random())::int AS n FROM weights
),
raw AS MATERIALIZED (
  SELECT t.id AS post_id, ${commenter('t.user_id', 0.1, users, userBase)} AS user_id,
    t.created_at + (now() - t.created_at) * power(random(), 5) AS created_at
  FROM targets t CROSS JOIN LATERAL generate_series(1, t.n) g
  LIMIT ${count}
)
SELECT row_number() OVER ()::int, post_id, NULL::int, user_id, created_at, random() < ${DELETED_COMMENTS} FROM raw`
}

/** Replies to random comments among tmp ids (from, from + span]; the parent's post is the reply's. */
export function replies(count: number, from: number, span: number, next: number, users: number, userBase: number): string {
  return `INSERT INTO s_comments
WITH picks AS MATERIALIZED (
  SELECT ${from + 1} + floor(random() * ${span})::int AS parent_tmp FROM generate_series(1, ${count}) g
)
SELECT ${next} + row_number() OVER ()::int, par.post_id, par.tmp,
  ${commenter('p.user_id', 0.25, users, userBase)},
  par.created_at + (now() - par.created_at) * power(random(), 4),
  random() < ${DELETED_COMMENTS}
FROM picks k JOIN s_comments par ON par.tmp = k.parent_tmp JOIN s_posts p ON p.id = par.post_id`
}

/** Final ids in time order (a parent is always older than its replies, so its id is smaller). */
export function commentIds(base: number): string {
  return `CREATE TEMP TABLE s_comment_ids ON COMMIT DROP AS
SELECT tmp, (${base} + row_number() OVER (ORDER BY created_at, tmp))::int AS id FROM s_comments`
}

export function insertUsers(passwordHash: string): string {
  const bio = `CASE WHEN random() < 0.6 THEN ${pick(BIOS)} END`
  return `INSERT INTO users (id, email, username, password_hash, display_name, bio, is_blocked, created_at, updated_at,
  email_verified_at, followers_count, following_count, posts_count)
SELECT n.id, n.username || '@example.test', n.username, ${lit(passwordHash)}, n.first || ' ' || n.last, n.bio,
  n.is_blocked, n.created_at, n.created_at, n.created_at, c.followers, c.following, coalesce(pc.n, 0)
FROM (
  SELECT named.*, lower(named.first) || '_' || lower(named.last) || named.id AS username
  FROM (SELECT u.*, ${pick(FIRST_NAMES)} AS first, ${pick(LAST_NAMES)} AS last, ${bio} AS bio FROM s_users u) named
) n
JOIN s_follow_counts c ON c.id = n.id
LEFT JOIN (SELECT user_id, count(*)::int AS n FROM s_posts WHERE NOT is_deleted GROUP BY user_id) pc ON pc.user_id = n.id
ORDER BY n.id`
}

/**
 * Posts with their text, photos and counters. A third of the captions carry one to three hashtags
 * (Zipf-like, so a few tags are on many posts), a few mention someone (popular people more often,
 * drawn like follows), half of the photos have alt text, and a few posts carry a content warning.
 */
export function insertPosts(n: number): string {
  const images = seedImages().map((i) => JSON.stringify(i))
  // 60% text only, 25% one photo, 12% two to four, 3% five to ten
  const imageCount = `CASE WHEN p.r < 0.60 THEN 0 WHEN p.r < 0.85 THEN 1 WHEN p.r < 0.97 THEN 2 + floor(random() * 3)::int
    ELSE 5 + floor(random() * 6)::int END`
  const sentence = pick(POST_SENTENCES)
  const tag = pickZipf(HASHTAGS, TAG_ZIPF)
  const content = `${sentence} || CASE WHEN random() < 0.45 THEN ' ' || ${sentence} ELSE '' END
    || CASE WHEN random() < ${TAGGED_POSTS} THEN ' ' || ${tag}
         || CASE WHEN random() < 0.5 THEN ' ' || ${tag} || CASE WHEN random() < 0.4 THEN ' ' || ${tag} ELSE '' END ELSE '' END
       ELSE '' END`
  const image = `(${textArray(images)})[1 + (x.look + 5 * i) % ${images.length}]::jsonb`
  const described = `CASE WHEN random() < ${DESCRIBED_PHOTOS} THEN jsonb_build_object('alt', ${pick(ALT_TEXTS)}) ELSE '{}'::jsonb END`
  return `INSERT INTO posts (id, user_id, content, image_urls, is_deleted, deleted_at, created_at, updated_at, like_count, comment_count,
  sensitive, spoiler_text)
SELECT x.id, x.user_id, x.content || coalesce(' @' || mu.username, ''),
  CASE WHEN x.images > 0 THEN (
    SELECT json_agg((${image} || ${described})::json ORDER BY i)
    FROM generate_series(0, x.images - 1) i
  ) END,
  x.is_deleted, CASE WHEN x.is_deleted THEN x.created_at + (now() - x.created_at) * random() END, x.created_at,
  CASE WHEN random() < 0.03 THEN x.created_at + (now() - x.created_at) * random() ELSE x.created_at END,
  coalesce(lc.n, 0), coalesce(cc.n, 0),
  x.sensitive, CASE WHEN x.sensitive THEN ${pick(SPOILER_TEXTS)} END
FROM (
  SELECT p.*, ${imageCount} AS images, floor(random() * ${images.length})::int AS look, ${content} AS content,
    CASE WHEN random() < ${MENTIONING_POSTS} THEN ${popularRank(n)} END AS mention_rank,
    random() < ${SENSITIVE_POSTS} AS sensitive
  FROM (SELECT s.*, random() AS r FROM s_posts s) p
) x
LEFT JOIN s_users mr ON mr.pop_rank = x.mention_rank AND mr.id <> x.user_id
LEFT JOIN users mu ON mu.id = mr.id
LEFT JOIN s_like_counts lc ON lc.id = x.id
LEFT JOIN (SELECT post_id, count(*)::int AS n FROM s_comments WHERE NOT is_deleted GROUP BY post_id) cc ON cc.post_id = x.id
ORDER BY x.id`
}

/**
 * What the tags and mention features keep for each post (features/tags): the tags, each with its
 * count of live posts, the links of live posts to their tags, trending's per-hour use by author,
 * and whom each post mentioned. The seed's captions are space-separated and their tags already
 * normalised (HASHTAGS), so splitting on spaces finds exactly what the parser would.
 */
export function postEntitiesStaging(postBase: number): string {
  return `CREATE TEMP TABLE s_post_words ON COMMIT DROP AS
SELECT DISTINCT p.id AS post_id, p.user_id, p.created_at, p.is_deleted, w.word
FROM posts p CROSS JOIN LATERAL unnest(string_to_array(p.content, ' ')) AS w(word)
WHERE p.id > ${postBase} AND (w.word LIKE '#_%' OR w.word LIKE '@_%')`
}

export function insertHashtags(): string[] {
  const tags = `(SELECT post_id, user_id, created_at, is_deleted, substr(word, 2) AS name FROM s_post_words WHERE word LIKE '#%')`
  return [
    `INSERT INTO hashtags AS h (name, post_count, created_at)
SELECT name, count(*) FILTER (WHERE NOT is_deleted), min(created_at) FROM ${tags} t GROUP BY name ORDER BY name
ON CONFLICT (name) DO UPDATE SET post_count = h.post_count + excluded.post_count`,
    `INSERT INTO post_hashtags (post_id, hashtag_id, user_id, created_at)
SELECT t.post_id, h.id, t.user_id, t.created_at FROM ${tags} t JOIN hashtags h ON h.name = t.name WHERE NOT t.is_deleted`,
    `INSERT INTO hashtag_usage AS u (hour, hashtag_id, user_id, uses)
SELECT date_trunc('hour', t.created_at, 'UTC'), h.id, t.user_id, count(*) FROM ${tags} t JOIN hashtags h ON h.name = t.name
WHERE NOT t.is_deleted GROUP BY 1, 2, 3
ON CONFLICT (hour, hashtag_id, user_id) DO UPDATE SET uses = u.uses + excluded.uses`,
    `INSERT INTO post_mentions (post_id, user_id, created_at)
SELECT w.post_id, u.id, w.created_at FROM s_post_words w JOIN users u ON lower(u.username) = lower(substr(w.word, 2))
WHERE w.word LIKE '@%' AND u.id <> w.user_id
ON CONFLICT DO NOTHING`,
  ]
}

export function insertComments(): string {
  const short = pick(COMMENT_PHRASES)
  return `INSERT INTO comments (id, user_id, post_id, content, parent_comment_id, is_deleted, created_at, updated_at, reply_count)
SELECT i.id, c.user_id, c.post_id,
  ${short} || CASE WHEN random() < 0.3 THEN ' ' || ${short} ELSE '' END,
  pi.id, c.is_deleted, c.created_at, c.created_at, coalesce(rc.n, 0)
FROM s_comments c
JOIN s_comment_ids i ON i.tmp = c.tmp
LEFT JOIN s_comment_ids pi ON pi.tmp = c.parent_tmp
LEFT JOIN (SELECT parent_tmp, count(*)::int AS n FROM s_comments WHERE NOT is_deleted AND parent_tmp IS NOT NULL GROUP BY parent_tmp) rc
  ON rc.parent_tmp = c.tmp
ORDER BY i.id`
}

/**
 * Who blocks and mutes whom: SAFETY_ACTORS of the new users, each with 1 to SAFETY_MAX_EACH
 * blocks and as many mutes, targets drawn like follows' (repeats collapse).
 */
export function safetyStaging(n: number): string {
  const each = `1 + floor(random() * ${SAFETY_MAX_EACH})::int`
  return `CREATE TEMP TABLE s_safety ON COMMIT DROP AS
WITH actors AS MATERIALIZED (
  SELECT id, created_at, ${each} AS blocks, ${each} AS mutes FROM s_users WHERE random() < ${SAFETY_ACTORS}
),
picks AS MATERIALIZED (
  SELECT a.id AS actor_id, a.created_at, true AS is_block, ${popularRank(n)} AS target_rank
  FROM actors a CROSS JOIN LATERAL generate_series(1, a.blocks) g
  UNION ALL
  SELECT a.id, a.created_at, false, ${popularRank(n)}
  FROM actors a CROSS JOIN LATERAL generate_series(1, a.mutes) g
)
SELECT DISTINCT ON (k.is_block, k.actor_id, t.id) k.is_block, k.actor_id, t.id AS target_id,
  greatest(k.created_at, t.created_at) + (now() - greatest(k.created_at, t.created_at)) * random() AS created_at
FROM picks k JOIN s_users t ON t.pop_rank = k.target_rank
WHERE t.id <> k.actor_id
ORDER BY k.is_block, k.actor_id, t.id`
}

export function insertBlocks(): string {
  return `INSERT INTO user_blocks (blocker_id, blocked_id, created_at)
SELECT actor_id, target_id, created_at FROM s_safety WHERE is_block ORDER BY created_at`
}

export function insertMutes(): string {
  return `INSERT INTO user_mutes (muter_id, muted_id, created_at)
SELECT actor_id, target_id, created_at FROM s_safety WHERE NOT is_block ORDER BY created_at`
}

/** A block ends follows both ways: those rows go, and both people's counters with them. */
export function unfollowBlocked(): string {
  return `WITH pairs AS (
  SELECT actor_id AS a, target_id AS b FROM s_safety WHERE is_block
  UNION SELECT target_id, actor_id FROM s_safety WHERE is_block
),
gone AS (
  DELETE FROM follows f USING pairs p WHERE f.follower_id = p.a AND f.following_id = p.b
  RETURNING f.follower_id, f.following_id
),
moved AS (
  SELECT follower_id AS id, 0 AS followers, 1 AS following FROM gone
  UNION ALL SELECT following_id, 1, 0 FROM gone
)
UPDATE users u SET followers_count = u.followers_count - m.followers, following_count = u.following_count - m.following
FROM (SELECT id, sum(followers)::int AS followers, sum(following)::int AS following FROM moved GROUP BY id) m
WHERE u.id = m.id`
}

/** A block removes the blocked person's likes from the blocker's posts, and their like counts. */
export function unlikeBlocked(): string {
  return `WITH gone AS (
  DELETE FROM likes l USING s_safety b, posts p
  WHERE b.is_block AND l.user_id = b.target_id AND p.id = l.post_id AND p.user_id = b.actor_id
  RETURNING l.post_id
)
UPDATE posts p SET like_count = p.like_count - g.n
FROM (SELECT post_id, count(*)::int AS n FROM gone GROUP BY post_id) g
WHERE p.id = g.post_id`
}

export function privateAccounts(userBase: number): string {
  return `UPDATE users SET is_private = true WHERE id > ${userBase} AND random() < ${PRIVATE_ACCOUNTS}`
}

/** Identity sequences continue after the explicit ids written by the seed. */
export function syncSequence(table: 'users' | 'posts' | 'comments'): string {
  return `SELECT setval(pg_get_serial_sequence('${table}', 'id'), greatest(1, (SELECT max(id) FROM ${table})))`
}
