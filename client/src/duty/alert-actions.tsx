import type { RefObject } from 'react'
import type { Alert } from '../../../common/alert-state'
import { useI18n } from '../i18n/i18n'
import type { AlertActions } from './use-alert-actions'

/** The buttons under an alert, each with its key; the comment goes with acknowledge and resolve. */
export function AlertActionBar({ alert, actions, commentRef, onSilence }: { alert: Alert; actions: AlertActions; commentRef: RefObject<HTMLTextAreaElement | null>; onSilence(): void }) {
  const { t } = useI18n()
  const open = alert.state !== 'resolved'
  return (
    <section className="duty-actions" aria-label={t('duty.actions')}>
      <textarea
        ref={commentRef}
        data-testid="duty-comment"
        rows={2}
        maxLength={2000}
        placeholder={t('duty.comment.placeholder')}
        value={actions.comment}
        onChange={(e) => actions.setComment(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault()
            actions.addComment()
          }
        }}
      />
      <div className="duty-action-row">
        <button type="button" className="primary" data-testid="duty-ack" disabled={alert.state !== 'firing' || actions.busy} onClick={actions.acknowledge}>
          {t('alerts.ack')} <kbd>a</kbd>
        </button>
        <button type="button" data-testid="duty-resolve" disabled={!open || actions.busy} onClick={actions.resolve}>
          {t('alerts.resolve')} <kbd>r</kbd>
        </button>
        <button type="button" data-testid="duty-comment-add" disabled={!actions.comment.trim() || actions.busy} onClick={actions.addComment}>
          {t('duty.commentAdd')} <kbd>Ctrl+Enter</kbd>
        </button>
        <span className="duty-assign">
          <input
            data-testid="duty-assignee"
            maxLength={64}
            placeholder={t('duty.assignee.placeholder')}
            value={actions.assignee}
            onChange={(e) => actions.setAssignee(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && actions.assign()}
          />
          <button type="button" data-testid="duty-assign" disabled={!open || actions.busy} onClick={actions.assign}>
            {t('alerts.assign')}
          </button>
        </span>
        <button type="button" data-testid="duty-silence" disabled={!open || actions.busy} onClick={onSilence}>
          {t('alerts.silence')} <kbd>s</kbd>
        </button>
      </div>
      {actions.feedback && (
        <p className={`duty-feedback ${actions.feedback.kind}`} role={actions.feedback.kind === 'error' ? 'alert' : 'status'} data-testid="duty-feedback">
          {t(actions.feedback.key, actions.feedback.params)}
        </p>
      )}
    </section>
  )
}
