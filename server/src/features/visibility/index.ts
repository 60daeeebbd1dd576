// The public face of features/visibility: the one rule every read path applies (rules.ts), the
// relationships it is made of (relationships.ts), and the refusal for a private account. It imports
// no other feature, so every feature may use it, even while its own module is being evaluated.
export { requireAccountContents } from './access.js'
export { blocksBetween, lockPair, lockPairShared, NO_RELATIONSHIP, type Relationship, relationships } from './relationships.js'
export {
  authorVisible,
  authorVisibleSql,
  blockedByViewer,
  notBlockedEitherWay,
  notBlockedEitherWaySql,
  notMuted,
  notMutedSql,
} from './rules.js'
