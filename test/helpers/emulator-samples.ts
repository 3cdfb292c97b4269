import { readFileSync } from 'node:fs'

// Real v2 flow and theme exports from public repositories (test/fixtures/descope-samples, whose
// README names each source), read as fixtures. Kept in the repository so tests need nothing beside it.

const SAMPLES = new URL('../fixtures/descope-samples/', import.meta.url)

/** A fresh parsed copy of a sample file, e.g. sample('flows-v2/sign-in.json'). */
export function sample(file: string): any {
  return JSON.parse(readFileSync(new URL(file, SAMPLES), 'utf8'))
}

export const FLOW_SAMPLES = [
  'sign-up-or-in.json',
  'sign-in.json',
  'sign-up.json',
  'idp-initiated-sso.json',
  'preferred-mfa-flow.json',
  'sign-up-or-in-using-users-preferred-mfa-method.json',
  'test-basicflow.json',
  'test-connectorflow-references-flow.json',
  'test-roleflow-references-flow.json',
].map((name) => `flows-v2/${name}`)
