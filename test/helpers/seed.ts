// Live items put straight into an emulator's state, for tests that need many of them fast.
import type { Emulator } from '../../lib/emulator/index.ts'

export function seedTenants(emulator: Emulator, ids: string[]): void {
  for (const id of ids) {
    emulator.state.tenants[id] = {
      id, name: `Tenant ${id}`, selfProvisioningDomains: [], customAttributes: {}, authType: 'none', domains: [],
      createdTime: 1_700_000_000, disabled: false, enforceSSO: false, enforceSSOExclusions: [], federatedAppIds: [],
      parent: '', defaultRoles: [], roleInheritance: '',
    }
  }
}
