// The local Descope management API emulator (DESIGN.md "The emulator"). Only re-exports.
export { EMULATOR_MANAGEMENT_KEY, EMULATOR_PROJECT_ID, FaultOptionEntries, type EmulatorOptions } from './options.ts'
export { startEmulator, type Emulator } from './server.ts'
export { MAX_LOG_ENTRIES, type RequestLogEntry } from './request-log.ts'
export { emptyState } from './state.ts'
export { DEFAULT_FLOWS, enableScim, SCIM_ROLE, seededState, SYSTEM_PERMISSIONS, TENANT_ADMIN_ROLE } from './seed.ts'
export { API_ERRORS, asToolkitError, EmulatorError, type ReplyErrorKind, type EmulatorErrorCode, type ErrorBody } from './errors.ts'
export type {
  EmulatorState,
  JsonObject,
  Permission,
  Role,
  StoredFlow,
  StoredTenant,
  StoredTheme,
  Tenant,
} from './state.ts'
