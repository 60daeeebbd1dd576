// The public face of features/reports: what other features, app.ts and the tools may use.
export { lockOpenReportsOfTarget, lockReport, type ReportRow, type ReportTarget, setReportStatus, targetOf } from './queries.js'
export { reportsRoutes } from './routes.js'
export { ReportReason, ReportStatus, TargetType } from './views.js'
export { purgeReportsFiledBy } from './purge.js'
