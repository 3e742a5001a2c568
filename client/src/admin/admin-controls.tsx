import type { ReactNode } from 'react'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { indent, regionOptions } from '../ui/region-options'

/** A picker of the regions within the signed-in admin's own region: what the server lets it assign. */
export function RegionPicker({ value, onChange, label, testId }: { value: string; onChange(code: string): void; label: string; testId: string }) {
  const { name } = useI18n()
  const { me } = useAuth()
  const catalog = useCatalog()
  const options = regionOptions(catalog.tree).filter((o) => catalog.tree.isWithin(o.region.code, me.region))
  const top = options[0]?.depth ?? 0
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <option key={o.region.code} value={o.region.code}>
          {indent(o.depth - top)}
          {name(o.region.name)}
        </option>
      ))}
    </select>
  )
}

/** A form's outcome: its first error (role alert), or what was done. */
export function FormMessages({ error, done }: { error: string | null; done?: string | null }) {
  return (
    <>
      {error && (
        <p className="admin-error" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
      {done && (
        <p className="admin-ok" role="status" data-testid="form-done">
          {done}
        </p>
      )}
    </>
  )
}

/** A titled part of a console page. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="admin-section">
      <h3>{title}</h3>
      {children}
    </section>
  )
}

/** A labelled field with its problem, if any, beside it. */
export function Field({ label, error, children }: { label: string; error: ReactNode; children: ReactNode }) {
  return (
    <label className="wall-edit-field">
      <span>{label}</span>
      {children}
      {error}
    </label>
  )
}
