// The role names alone, without the policy's schema: the CLI names them in `--help`, which
// must not load zod or yaml (docs/PERFORMANCE.md, "CLI start-up").
export const roles = ['admin', 'analyst', 'reviewer', 'viewer', 'auditor'] as const;
export type Role = (typeof roles)[number];
