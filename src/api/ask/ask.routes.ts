import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clientScopeOf } from '../../auth/client-scope.js';
import type { Config } from '../../config/schema.js';
import type { Policy } from '../../governance/policy.js';
import { askWithContext } from '../../nl/ask.js';
import { askBatch } from '../../nl/batch.js';
import { conversationNotFound, MemoryConversationStore } from '../../nl/conversations.js';
import type { Database } from '../../storage/database.js';
import { commonErrorResponses, errorResponseSchema } from '../error-handler.js';
import { presentAnswer } from './ask.presenter.js';
import { askBatchBodySchema, askBatchResponseSchema, askBodySchema, askResponseSchema, MAX_BATCH_QUESTIONS } from './ask.schema.js';

export interface AskRoutesOptions {
  config: Config;
  database: Database;
  policy: Policy;
  /** Conversations of this server process (default: in memory, 30 minutes after the last question). */
  conversations?: MemoryConversationStore;
}

const tags = ['ask'];
const scopeNote =
  'Answered on this machine by the MoatMetrics grammar (docs/NL.md), never sent anywhere. A caller with a client scope is answered about their clients only: ' +
  'another client is as unknown as a name nobody has. Every question is audited (nl.ask); a refused one is also a security event.';

/** Mounted at /api/v1/ask. */
export const askRoutes: FastifyPluginAsyncZod<AskRoutesOptions> = async (app, { config, database, policy, conversations }) => {
  const store = conversations ?? new MemoryConversationStore();
  const lifetime = `${Math.round(store.ttlMs / 60_000)} minutes`;

  app.post(
    '/',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Ask a question in plain English; follow an earlier one up with its conversationId',
        description: `${scopeNote} The answer's conversationId, sent back with the next question, makes it a follow-up ("and last year?", "only healthcare", "top 10 instead", "why?"); conversations end ${lifetime} after their last question.`,
        tags,
        body: askBodySchema,
        response: {
          200: askResponseSchema,
          404: errorResponseSchema.describe('MM_CONVERSATION_NOT_FOUND: the conversation ended, or is not yours'),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const { question, asOf, conversationId } = request.body;
      const user = request.actor;
      const previous = conversationId ? await store.get(conversationId, user) : null;
      if (conversationId && !previous) throw conversationNotFound(lifetime);
      const { answer, turn } = await askWithContext(database, config, question, {
        actor: user,
        route: 'POST /api/v1/ask',
        ip: request.ip,
        clientScope: clientScopeOf(request.user),
        previous,
        review: policy.review,
        ...(asOf ? { asOf } : {}),
      });
      // An answer continues (or starts) the conversation; a question asked back leaves it as it was.
      const id = turn ? await store.save(conversationId ?? null, user, turn) : (conversationId ?? null);
      return { ...presentAnswer(answer), conversationId: id };
    },
  );

  app.post(
    '/batch',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: `Ask up to ${MAX_BATCH_QUESTIONS} questions at once; identical plans are computed once`,
        description: `${scopeNote} Answers come in the order of the questions, each as POST /api/v1/ask answers it (without conversations). Questions with the same canonical plan are computed once and the rest served from the semantic cache (\`cached: true\`); \`evaluation\` says how many plans were computed.`,
        tags,
        body: askBatchBodySchema,
        response: { 200: askBatchResponseSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const { questions, asOf } = request.body;
      const { answers, evaluation } = await askBatch(database, config, questions, {
        actor: request.actor,
        route: 'POST /api/v1/ask/batch',
        ip: request.ip,
        clientScope: clientScopeOf(request.user),
        review: policy.review,
        ...(asOf ? { asOf } : {}),
      });
      return { answers: answers.map(presentAnswer), evaluation };
    },
  );
};
