import { useI18n } from '../i18n/i18n'
import type { MessageKey } from '../i18n/messages'
import { DUTY_KEYS, type DutyKeyHandlers } from './use-duty-keys'

/** The keyboard shortcuts, always in view at the bottom, and as a panel on `?`. */

const LABEL: Record<keyof DutyKeyHandlers, MessageKey> = {
  next: 'duty.keys.next',
  previous: 'duty.keys.previous',
  acknowledge: 'alerts.ack',
  resolve: 'alerts.resolve',
  silence: 'alerts.silence',
  comment: 'alerts.comment',
  help: 'duty.keys.help',
  escape: 'duty.keys.escape',
}

export function DutyKeysBar({ onHelp }: { onHelp(): void }) {
  const { t } = useI18n()
  return (
    <footer className="duty-keys" data-testid="duty-keys">
      {DUTY_KEYS.map(({ keys, action }) => (
        <span key={action} onClick={action === 'help' ? onHelp : undefined}>
          {keys.map((k) => (
            <kbd key={k}>{k}</kbd>
          ))}{' '}
          {t(LABEL[action])}
        </span>
      ))}
    </footer>
  )
}

export function DutyKeysHelp({ onClose }: { onClose(): void }) {
  const { t } = useI18n()
  return (
    <div className="duty-dialog-backdrop" onClick={onClose}>
      <div className="duty-dialog" role="dialog" aria-modal="true" aria-labelledby="keys-title" onClick={(e) => e.stopPropagation()}>
        <h3 id="keys-title">{t('duty.keys.title')}</h3>
        <table className="duty-keys-table">
          <tbody>
            {DUTY_KEYS.map(({ keys, action }) => (
              <tr key={action}>
                <td>
                  {keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{t(LABEL[action])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose}>
          {t('duty.cancel')} <kbd>Esc</kbd>
        </button>
      </div>
    </div>
  )
}
