/**
 * Typed permissions. Checked on the server by guards; also used to hide UI the user cannot use.
 * Default deny: a role has exactly the permissions listed here.
 */
export const PERMISSIONS = [
  "member-space:use",
  "staff-space:use",
  "audit:read",
  "mail:read",
  "mail:retry",
  "claims:process",
  "services:close",
  "services:request-reopen",
  "services:approve-reopen",
  "users:manage",
  "contact:read",
  "contact:handle",
  "payments:manage",
  "subscriptions:review",
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export type Role = "MEMBER" | "CLAIMS_HANDLER" | "ADMIN";

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  MEMBER: ["member-space:use"],
  CLAIMS_HANDLER: ["staff-space:use", "claims:process", "contact:read", "contact:handle", "subscriptions:review"],
  ADMIN: [
    "staff-space:use",
    "audit:read",
    "mail:read",
    "mail:retry",
    "claims:process",
    "services:close",
    "services:request-reopen",
    "services:approve-reopen",
    "users:manage",
    "contact:read",
    "contact:handle",
    "payments:manage",
    "subscriptions:review",
  ],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** The roles holding `permission`, for queries that select the people allowed to act. */
export function rolesWith(permission: Permission): Role[] {
  return (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((role) => can(role, permission));
}

export function isStaff(role: Role): boolean {
  return role !== "MEMBER";
}
