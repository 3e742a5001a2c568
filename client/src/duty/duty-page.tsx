/** Placeholder until the view lands (being built). */
export function DutyPage() {
  return <div className="loading">DutyPage</div>
}
