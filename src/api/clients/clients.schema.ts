import { z } from 'zod';

const clientRefSchema = z.object({ clientId: z.string(), clientName: z.string() });

/** GET /api/v1/clients/unmapped. */
export const unmappedClientNamesSchema = z.object({
  automatic: z
    .array(z.object({ name: z.string(), client: clientRefSchema, rows: z.number().int(), updatedAt: z.string() }))
    .describe('Names matched automatically by the loose match key (their rows are loaded), awaiting confirmation'),
  unmapped: z
    .array(
      z.object({
        name: z.string(),
        rows: z.number().int(),
        keptApart: z.boolean().describe('A person unmapped the name: it is never matched automatically'),
        suggestions: z.array(clientRefSchema).describe('The closest existing clients, most alike first'),
        updatedAt: z.string(),
      }),
    )
    .describe('Names no client was found for (their rows were rejected)'),
});

export const clientAliasBodySchema = z
  .object({
    name: z.string().trim().min(1).max(500).describe('The client name as the source file writes it'),
    clientId: z.string().trim().min(1).max(500).describe('The client: its id or its name'),
  })
  .strict();

export const clientAliasNameParamsSchema = z.object({
  name: z.string().min(1).max(500).describe('The client name as the import met it (URL-encoded; case and spacing do not matter)'),
});

export const clientAliasDecisionSchema = z.object({
  name: z.string(),
  status: z.enum(['confirmed', 'distinct']).describe('confirmed: the name is the client; distinct: unmapped, never matched automatically'),
  client: clientRefSchema.nullable(),
  previous: z.object({ status: z.string(), clientId: z.string().nullable() }).nullable(),
});
