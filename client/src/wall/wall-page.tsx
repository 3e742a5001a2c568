/** Placeholder until the view lands (being built). */
export function WallPage() {
  return <div className="loading">WallPage</div>
}
