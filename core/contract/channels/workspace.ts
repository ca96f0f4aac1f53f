import { z } from 'zod';
import { channel } from '../channel.js';
import {
  ceremonySummarySchema,
  currentSkrSchema,
  deadlineSchema,
  fileRefSchema,
  modeSchema,
  obligationViewSchema,
  scriptSummarySchema,
  scriptViewSchema,
  triageAnswersSchema,
  triageQuestionSchema,
  triageResultSchema,
} from '../ceremonyState.js';

/**
 * The workspace before and between ceremonies: its mode, its ceremonies, the follow-up obligations
 * still open, the current SKR and the countdown to its last RRSIG; the script templates; triage.
 * Changes emit `{type: 'state-changed', topic: 'workspace'}`.
 */

const overviewSchema = z.object({
  mode: modeSchema,
  workspace: z.string(),
  ceremonies: z.object({
    /** Opened in the log, no step started yet. */
    planned: z.array(ceremonySummarySchema),
    inProgress: z.array(ceremonySummarySchema),
    past: z.array(ceremonySummarySchema),
  }),
  /** Open obligations of this mode's ceremonies, oldest first. */
  followUps: z.array(obligationViewSchema),
  currentSkr: currentSkrSchema.nullable(),
  /** The countdown to the current SKR's last RRSIG with the default policy (P14D lead time, P2D margin); null without a current SKR. */
  deadline: deadlineSchema.nullable(),
});
export type WorkspaceOverview = z.infer<typeof overviewSchema>;

export const workspaceChannels = {
  'workspace.overview': channel(z.object({}), overviewSchema),

  /**
   * Loads the SKR the RZM currently publishes from a file into the workspace (it sets the deadline
   * of the next ceremony). It must verify; a production workspace refuses a rehearsal SKR.
   */
  'workspace.loadCurrentSkr': channel(z.strictObject({ file: fileRefSchema }), z.object({ currentSkr: currentSkrSchema, deadline: deadlineSchema })),

  /** The follow-up obligations of this mode's ceremonies (open ones by default). */
  'followUps.list': channel(z.strictObject({ status: z.enum(['open', 'discharged', 'all']).default('open') }), z.array(obligationViewSchema)),

  /** The shipped script templates, standard ceremonies first, then the DR procedures in the seed's order. */
  'templates.list': channel(z.object({}), z.array(scriptSummarySchema)),
  /** One template as the CA reads it: every act and step, resolved. */
  'templates.get': channel(z.strictObject({ id: z.string().min(1) }), scriptViewSchema),

  /** The next question of the decision tree, or the procedure the answers lead to (and the deadline). Records nothing: ceremony.create records the answers. */
  'triage.next': channel(
    z.strictObject({ answers: triageAnswersSchema }),
    z.object({ question: triageQuestionSchema.nullable(), result: triageResultSchema.nullable(), deadline: deadlineSchema.nullable() }),
  ),
};
