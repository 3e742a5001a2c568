import { z } from 'zod'
import { domainSchema, indicatorSchema, regionSchema, stationSchema } from '../catalog-schema'

/**
 * GET /api/catalog: domains, indicators, regions and stations as the signed-in account
 * sees them (its region the root, with no parent). No query.
 */
export const catalogReplySchema = z.object({
  domains: z.array(domainSchema),
  indicators: z.array(indicatorSchema),
  regions: z.array(regionSchema),
  stations: z.array(stationSchema),
})
export type CatalogReply = z.infer<typeof catalogReplySchema>
