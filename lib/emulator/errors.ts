// The emulator's error catalog: every error response it sends comes from this one table.
//
// Confirmed by go-sdk descope/errors.go and node-sdk lib/errors.ts: E011001, E011002, E011003 (HTTP
// 400) and E130429 (HTTP 429, with this exact body: python-sdk tests/test_auth.py). Everything in
// the E99xxxx range is the EMULATOR'S OWN CHOICE: the real status and code for unauthorized, not
// found and duplicate are UNCONFIRMED (no SDK or doc names them), so the codes are deliberately
// invented and outside Descope's known ranges. Clients should branch on the HTTP status for those,
// never on the invented codes.
import { ConfigError, DescopeMgmtError } from '../errors.ts'

export const API_ERRORS = {
  malformed: { status: 400, errorCode: 'E011001', errorDescription: 'Request is malformed' },
  missingArguments: { status: 400, errorCode: 'E011002', errorDescription: 'Missing arguments' },
  invalid: { status: 400, errorCode: 'E011003', errorDescription: 'Request is invalid' },
  // invented: Go's IsUnauthorizedError only implies the 401 status
  unauthorized: { status: 401, errorCode: 'E990401', errorDescription: 'Unauthorized' },
  // invented: Go's IsNotFoundError implies 404 for a missing resource
  notFound: { status: 404, errorCode: 'E990404', errorDescription: 'Not found' },
  // invented: no route for this method and path
  noRoute: { status: 404, errorCode: 'E990444', errorDescription: 'Route not found' },
  // invented: unpublished, likely 400 or 409; 409 keeps duplicates apart from validation errors
  alreadyExists: { status: 409, errorCode: 'E990409', errorDescription: 'Already exists' },
  rateLimited: {
    status: 429,
    errorCode: 'E130429',
    errorDescription: 'https://docs.descope.com/rate-limit',
  },
  // invented: a fault injected by errorRate. 500 because SDKs retry 503/52x with 5 s delays (go-sdk
  // retryDelays)
  fault: { status: 500, errorCode: 'E990500', errorDescription: 'Injected server fault' },
  // invented: a bug in the emulator itself, or state that could not be saved
  internal: { status: 500, errorCode: 'E990599', errorDescription: 'Internal emulator error' },
} as const

export type ReplyErrorKind = keyof typeof API_ERRORS

export interface ErrorBody {
  errorCode: string
  errorDescription: string
  errorMessage: string
}

// The rate-limit message is the one the real API sends (python-sdk tests/test_auth.py).
const DEFAULT_MESSAGES: Partial<Record<ReplyErrorKind, string>> = {
  rateLimited: 'API rate limit exceeded.',
}

/** Thrown by route handlers; the server turns it into a JSON error response. */
export class ReplyError extends Error {
  readonly kind: ReplyErrorKind
  readonly status: number

  constructor(kind: ReplyErrorKind, message?: string) {
    const detail = message ?? DEFAULT_MESSAGES[kind] ?? API_ERRORS[kind].errorDescription
    super(detail)
    this.name = 'ReplyError'
    this.kind = kind
    this.status = API_ERRORS[kind].status
  }

  get body(): ErrorBody {
    const { errorCode, errorDescription } = API_ERRORS[this.kind]
    return { errorCode, errorDescription, errorMessage: this.message }
  }
}

export type EmulatorErrorCode = 'EMULATOR_OPTIONS_INVALID' | 'EMULATOR_STATE_CORRUPT' | 'EMULATOR_STATE_UNSAVED' | 'EMULATOR_ROUTE_TAKEN'

/**
 * An emulator failure as the toolkit reports it: options or a plugin's route are the user's to
 * fix (exit 3), a state file that cannot be read or saved is a failure (exit 1); anything else
 * is returned as it is.
 */
export function asToolkitError(error: unknown, where: { file: string }): unknown {
  if (!(error instanceof EmulatorError)) return error
  if (error.code === 'EMULATOR_ROUTE_TAKEN') return new ConfigError('PLUGIN_CONFLICT', [{ file: 'descope.config.ts', path: 'plugins', message: error.message, fix: 'a plugin adds the routes of its own type only' }], { cause: error })
  if (error.code === 'EMULATOR_OPTIONS_INVALID') return new ConfigError('EMULATOR_OPTIONS_INVALID', [{ file: where.file, path: 'emulator', message: error.message }], { cause: error })
  return new DescopeMgmtError(error.code, error.message, { cause: error })
}

/** A failure of the emulator itself (bad options, unreadable state file), not an API answer. */
export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode

  constructor(code: EmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EmulatorError'
    this.code = code
  }
}
