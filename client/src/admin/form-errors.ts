import { ACCOUNT_NAME, PASSWORD } from '../../../common/auth'
import type { MessageKey } from '../i18n/messages'

/**
 * Checks of the operator's forms, in the page's language and naming the field,
 * before anything is sent. The rules are the server's own schemas
 * (common/auth.ts ACCOUNT_NAME, PASSWORD); only the words are the page's. The
 * server checks again, and its refusal, in its own words, is shown when it
 * still refuses.
 */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

export function requiredError(value: string, field: string, t: Translate): string | null {
  return value.trim() === '' ? t('form.required', { field }) : null
}

export function nameError(value: string, field: string, t: Translate): string | null {
  return requiredError(value, field, t) ?? (ACCOUNT_NAME.safeParse(value).success ? null : t('form.nameFormat', { field }))
}

export function passwordError(value: string, field: string, t: Translate): string | null {
  return requiredError(value, field, t) ?? (PASSWORD.safeParse(value).success ? null : t('form.passwordLength', { field }))
}

/** A failed request as the form shows it: the server's message when it gave one. */
export function serverError(err: unknown, t: Translate): string {
  return t('form.server', { message: err instanceof Error ? err.message : String(err) })
}

/** The first error of a form, or null when it may be sent. */
export function firstError(...errors: Array<string | null>): string | null {
  return errors.find((e) => e !== null) ?? null
}
