import { z } from 'zod'
import { codeSchema, localizedTextSchema } from '../catalog-schema'
import { playlistSchema, wallSchema } from '../wall-schema'

/**
 * The walls and playlists API (server/http/walls-router.ts):
 *   GET    /api/walls                     { walls: [summary], default }
 *   GET    /api/walls/:id                 { definition, version, updated, updatedBy }
 *   PUT    /api/walls/:id  { definition, version? }   201 created, 200 replaced, 409 stale
 *   DELETE /api/walls/:id?version=        { id, deleted: true, version }
 *   GET    /api/walls/:id/history         { id, changes: [newest first] }
 * and the same under /api/playlists. `version` is the version the edit
 * started from: a save on top of a newer one is a 409 carrying that newer one.
 */

export const wallSummarySchema = z.object({
  id: codeSchema,
  title: localizedTextSchema,
  root: codeSchema.nullable(),
  columns: z.array(codeSchema),
  version: z.number(),
  updated: z.number(),
  updatedBy: z.string(),
})
export type WallSummary = z.infer<typeof wallSummarySchema>

export const wallListReplySchema = z.object({
  walls: z.array(wallSummarySchema),
  /** The wall `/` shows this account: one rooted at its own region, else one for every region (root null), else the first. */
  default: codeSchema.nullable(),
})
export type WallListReply = z.infer<typeof wallListReplySchema>

const versioned = <T extends z.ZodType>(definition: T) =>
  z.object({ definition, version: z.number(), updated: z.number(), updatedBy: z.string() })

export const wallReplySchema = versioned(wallSchema)
export type WallReply = z.infer<typeof wallReplySchema>
export const playlistReplySchema = versioned(playlistSchema)
export type PlaylistReply = z.infer<typeof playlistReplySchema>

export const playlistListReplySchema = z.object({
  playlists: z.array(z.object({ id: codeSchema, title: localizedTextSchema, walls: z.array(codeSchema), version: z.number(), updated: z.number(), updatedBy: z.string() })),
})
export type PlaylistListReply = z.infer<typeof playlistListReplySchema>

/** PUT body: the definition, and the version it was edited from (absent: a new document). */
export const putDocumentBodySchema = z.strictObject({
  definition: z.unknown(),
  version: z.number().int().min(1).optional(),
})

export const DOCUMENT_ACTIONS = ['created', 'updated', 'deleted'] as const
export const documentChangeSchema = z.object({
  version: z.number(),
  at: z.number(),
  actor: z.string(),
  action: z.enum(DOCUMENT_ACTIONS),
  before: z.unknown(),
  after: z.unknown(),
})
export type DocumentChange = z.infer<typeof documentChangeSchema>
export const documentHistoryReplySchema = z.object({ id: z.string(), changes: z.array(documentChangeSchema) })
export type DocumentHistoryReply = z.infer<typeof documentHistoryReplySchema>

/**
 * A 409's `error.details`: what is stored now (null: deleted meanwhile), to
 * merge from. A 400's `error.details.problems` are the field problems
 * ({ path, message }), for a form to place by its fields.
 */
export const conflictDetailsSchema = z.object({
  current: z.object({ definition: z.unknown(), version: z.number(), updated: z.number(), updatedBy: z.string() }).nullable(),
})
export const problemDetailsSchema = z.object({
  problems: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })),
})
