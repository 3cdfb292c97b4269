// The local Descope management API emulator (DESIGN.md "The emulator"). Only re-exports.
export { EMULATOR_MANAGEMENT_KEY, EMULATOR_PROJECT_ID, type EmulatorOptions } from './options.ts'
export { startEmulator, type Emulator } from './server.ts'
export { MAX_LOG_ENTRIES, type RequestLogEntry } from './pipeline.ts'
export { API_ERRORS, EmulatorError, type ApiErrorKind, type EmulatorErrorCode, type ErrorBody } from './errors.ts'
export type { EmulatorState, StoredTenant, StoredTenantSettings, Tenant } from './state.ts'
