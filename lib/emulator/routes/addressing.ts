import { ReplyError } from '../errors.ts'

// Roles and permissions are addressed by `id` or by `name` (node-sdk role.ts, permission.ts:
// update vs updateWithId). One rule for both families.

export interface Address {
  id?: string | null
  name?: string | null
}

/** The id when one is sent (it wins over a name sent alongside it), else the name; E011002 when neither. */
export function requireAddress(address: Address): { key: 'id' | 'name'; value: string } {
  if (address.id) return { key: 'id', value: address.id }
  if (address.name) return { key: 'name', value: address.name }
  throw new ReplyError('missingArguments', 'missing required field(s): name or id')
}
