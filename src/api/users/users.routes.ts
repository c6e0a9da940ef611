import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { generatePassword } from '../../auth/passwords.js';
import { createUser, listUsers, requireUser, setPassword, updateUser, userView } from '../../auth/users.js';
import type { Policy } from '../../governance/policy.js';
import type { Database } from '../../storage/database.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import {
  createdUserResponseSchema,
  createUserBodySchema,
  passwordResetResponseSchema,
  updateUserBodySchema,
  userListResponseSchema,
  usernameParamsSchema,
} from './users.schema.js';
import { userViewSchema } from '../auth/auth.schema.js';

export interface UserRoutesOptions {
  database: Database;
  policy: Policy;
}

const notFound = { 404: errorResponseSchema.describe('MM_USER_NOT_FOUND') };

/** Mounted at /api/v1/users: user administration (users:manage). */
export const userRoutes: FastifyPluginAsyncZod<UserRoutesOptions> = async (app, { database, policy }) => {
  app.get(
    '',
    {
      config: { permission: 'users:manage' },
      schema: { summary: 'Every user, by name', tags: ['users'], response: { 200: userListResponseSchema, ...commonErrorResponses } },
    },
    async () => ({ users: await listUsers(database.kysely) }),
  );

  app.post(
    '',
    {
      config: { permission: 'users:manage' },
      schema: {
        summary: 'Create a user (without a password: a one-time password is returned once)',
        tags: ['users'],
        body: createUserBodySchema,
        response: { 201: createdUserResponseSchema, ...commonErrorResponses, 409: errorResponseSchema.describe('MM_USER_EXISTS') },
      },
    },
    async (request, reply) => {
      const created = await createUser(database.kysely, policy, { ...request.body, createdBy: request.actor });
      return reply.status(201).send(created);
    },
  );

  app.patch(
    '/:username',
    {
      config: { permission: 'users:manage' },
      schema: {
        summary: "Change a user's role or disable it (disabling ends its sessions and revokes its tokens)",
        tags: ['users'],
        params: usernameParamsSchema,
        body: updateUserBodySchema,
        response: { 200: userViewSchema, ...commonErrorResponses, ...notFound },
      },
    },
    async (request) => updateUser(database.kysely, policy, request.params.username, request.body, request.actor),
  );

  app.post(
    '/:username/password-reset',
    {
      config: { permission: 'users:manage' },
      schema: {
        summary: 'Set a new one-time password (returned once) and end the user’s sessions',
        tags: ['users'],
        params: usernameParamsSchema,
        response: { 200: passwordResetResponseSchema, ...commonErrorResponses, ...notFound },
      },
    },
    async (request) => {
      const user = await requireUser(database.kysely, request.params.username);
      const oneTimePassword = generatePassword();
      await setPassword(database.kysely, user, oneTimePassword, { oneTime: true, actor: request.actor });
      return { user: userView(await requireUser(database.kysely, user.username)), oneTimePassword };
    },
  );
};
