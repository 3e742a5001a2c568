import { z } from 'zod'
import { codeParam, levelParam } from './params'

/**
 * GET /api/scorecard: the composite index per region and domain. The reply's
 * schema lives with the scorecard's weights file in common/scorecard-schema.ts
 * (they describe the same scores); this module names it for the route.
 */

export { scorecardReplySchema, type ScorecardReply } from '../scorecard-schema'

/** `?level=city&parent=440000` (every region of a level below a parent) or `?region=440100` (that one region). */
export const scorecardQuerySchema = z.strictObject({
  level: levelParam.optional(),
  parent: codeParam('parent').optional(),
  region: codeParam('region').optional(),
})
