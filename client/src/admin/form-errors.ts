import type { MessageKey } from '../i18n/messages'

/**
 * Checks of the operator's forms, in the page's language and naming the field,
 * before anything is sent. The server checks again (common/auth.ts's schemas)
 * and its refusal, in its own words, is shown when it still refuses.
 */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** The same rules as the server's (common/auth.ts ACCOUNT_NAME, PASSWORD). */
const NAME = /^[a-z][a-z0-9._-]{1,31}$/
const MIN_PASSWORD = 12

export function requiredError(value: string, field: string, t: Translate): string | null {
  return value.trim() === '' ? t('form.required', { field }) : null
}

export function nameError(value: string, field: string, t: Translate): string | null {
  return requiredError(value, field, t) ?? (NAME.test(value) ? null : t('form.nameFormat', { field }))
}

export function passwordError(value: string, field: string, t: Translate): string | null {
  return requiredError(value, field, t) ?? (value.length < MIN_PASSWORD ? t('form.passwordLength', { field }) : null)
}

/** A failed request as the form shows it: the server's message when it gave one. */
export function serverError(err: unknown, t: Translate): string {
  return t('form.server', { message: err instanceof Error ? err.message : String(err) })
}

/** The first error of a form, or null when it may be sent. */
export function firstError(...errors: Array<string | null>): string | null {
  return errors.find((e) => e !== null) ?? null
}
