// Roles of API tokens. Operators can do what viewers can, admins what operators can; `gateway`
// tokens are separate: they only report telemetry and watch rules, for their own gateway id.
export const USER_ROLES = ['viewer', 'operator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type Role = UserRole | 'gateway';
export const ALL_ROLES: readonly Role[] = [...USER_ROLES, 'gateway'];

const RANK: Record<Role, number> = { gateway: 0, viewer: 1, operator: 2, admin: 3 };

/** The authenticated caller of a request or stream. */
export interface Principal {
  tokenId: string;
  /** Token name: what the audit log records as the actor. */
  name: string;
  role: Role;
  /** Set for gateway tokens: the only gateway id this token may speak for. */
  gatewayId: string;
}

/** Whether `principal` may do what `needed` may. Gateway tokens satisfy only `gateway`. */
export function allows(principal: Principal, needed: Role): boolean {
  if (needed === 'gateway') return principal.role === 'gateway';
  if (principal.role === 'gateway') return false;
  return RANK[principal.role] >= RANK[needed];
}
