/** Placeholder until the view lands (being built). */
export function ExplorePage() {
  return <div className="loading">ExplorePage</div>
}
