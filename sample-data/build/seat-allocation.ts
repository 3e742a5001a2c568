/**
 * Shares a whole number of seats (here: stations) among claimants by weight.
 *
 * Coverage comes first: every claimant gets one seat, the heaviest first, before
 * any gets a second; when seats run out before that, the lightest go without.
 * Seats beyond one each follow the Sainte-Laguë divisor method (a claimant
 * holding n seats bids weight / (n + 0.5)), which is close to proportional.
 */
export function allocateSeats(weights: ReadonlyMap<string, number>, total: number): Map<string, number> {
  if (!Number.isInteger(total) || total < 0) throw new Error(`seat total must be a whole number ≥ 0, got ${total}`)
  for (const [key, w] of weights) if (!(w > 0)) throw new Error(`weight of ${key} must be positive, got ${w}`)
  // Sorted by weight, then by key, so ties resolve the same way on every run.
  const byWeight = [...weights.keys()].sort((a, b) => weights.get(b)! - weights.get(a)! || a.localeCompare(b))
  const seats = new Map(byWeight.map((k, i) => [k, i < total ? 1 : 0]))
  for (let s = byWeight.length; s < total; s++) {
    let best = byWeight[0]!
    let bestBid = -1
    for (const k of byWeight) {
      const bid = weights.get(k)! / (seats.get(k)! + 0.5)
      if (bid > bestBid) {
        best = k
        bestBid = bid
      }
    }
    seats.set(best, seats.get(best)! + 1)
  }
  return seats
}
