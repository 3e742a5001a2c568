import { useCallback, useEffect, useState } from 'react'
import type { Alert, Silence, SilenceMatchers } from '../../../common/alert-state'
import { alertReplySchema, silenceReplySchema, type AlertAction, type CreateSilenceBody } from '../../../common/api/alerts-api'
import { postJson } from '../api/http'
import type { MessageKey } from '../i18n/messages'

/**
 * What an officer can do to the selected alert, each one POST to the alerts
 * API as the signed-in account. The reply (the alert after the action) is handed on at
 * once; the same change also arrives over the socket, and the copy with the
 * higher sequence number wins.
 */

/** The outcome of the last action, as a message key (so it follows a language switch). */
export interface Feedback {
  kind: 'ok' | 'error'
  key: MessageKey
  params?: Record<string, string>
}

export interface AlertActions {
  comment: string
  setComment(text: string): void
  assignee: string
  setAssignee(name: string): void
  busy: boolean
  feedback: Feedback | null
  acknowledge(): void
  resolve(): void
  assign(): void
  addComment(): void
  silence(matchers: SilenceMatchers, durationMinutes: number, reason: string): Promise<boolean>
}

interface Options {
  alert: Alert | undefined
  actor: string
  /** Called when an action needs a name and none is typed (to put the cursor there). */
  needActor(): void
  onAlert(alert: Alert): void
  onSilence(silence: Silence): void
}

export function useAlertActions({ alert, actor, needActor, onAlert, onSilence }: Options): AlertActions {
  const [comment, setComment] = useState('')
  const [assignee, setAssignee] = useState('')
  const [busy, setBusy] = useState(false)
  const [feedback, setFeedback] = useState<Feedback | null>(null)
  const id = alert?.id
  useEffect(() => {
    setComment('')
    setAssignee('')
    setFeedback(null)
  }, [id])

  const who = actor.trim()
  const run = useCallback(
    async (done: MessageKey, request: (actor: string) => Promise<unknown>): Promise<boolean> => {
      if (!who) {
        setFeedback({ kind: 'error', key: 'duty.actor.required' })
        needActor()
        return false
      }
      setBusy(true)
      try {
        await request(who)
        setFeedback({ kind: 'ok', key: done })
        return true
      } catch (err) {
        setFeedback({ kind: 'error', key: 'duty.failed', params: { message: err instanceof Error ? err.message : String(err) } })
        return false
      } finally {
        setBusy(false)
      }
    },
    [who, needActor],
  )

  const note = comment.trim()
  const act = (path: AlertAction, done: MessageKey, body: (actor: string) => Record<string, unknown>, clear: () => void) => {
    if (!alert || busy) return
    void run(done, async (a) => {
      onAlert(await postJson(`/api/alerts/${encodeURIComponent(alert.id)}/${path}`, body(a), alertReplySchema))
      clear()
    })
  }
  const open = alert !== undefined && alert.state !== 'resolved'

  return {
    comment,
    setComment,
    assignee,
    setAssignee,
    busy,
    feedback,
    acknowledge: () => {
      if (alert?.state === 'firing') act('ack', 'duty.done.ack', () => (note ? { comment: note } : {}), () => setComment(''))
    },
    resolve: () => {
      if (open) act('resolve', 'duty.done.resolve', () => (note ? { comment: note } : {}), () => setComment(''))
    },
    assign: () => {
      // Nobody named: the officer takes it.
      if (open) act('assign', 'duty.done.assign', (a) => ({ assignee: assignee.trim() || a }), () => setAssignee(''))
    },
    addComment: () => {
      if (alert && note) act('comment', 'duty.done.comment', () => ({ text: note }), () => setComment(''))
    },
    silence: (matchers, durationMinutes, reason) =>
      run('duty.done.silence', async () => {
        const silence: CreateSilenceBody = { matchers, durationMinutes, reason }
        onSilence(await postJson('/api/silences', silence, silenceReplySchema))
      }),
  }
}
