/**
 * The live values behind one layer's accessors, by the layer's data index,
 * with a revision that moves only when one of them changed. The revision is
 * the layer's `updateTrigger`: a tick that changes nothing on screen (most
 * ticks change stations elsewhere, or other indicators) costs deck.gl nothing,
 * and one that does recomputes one attribute, never the geometry.
 */
export class ValueColumn {
  values = new Float64Array(0)
  revision = 0

  /** Reads `count` values (NaN for none); returns whether anything changed. */
  refresh(count: number, read: (index: number) => number | undefined): boolean {
    let changed = false
    if (this.values.length !== count) {
      this.values = new Float64Array(count).fill(Number.NaN)
      changed = true
    }
    const values = this.values
    for (let i = 0; i < count; i++) {
      const v = read(i) ?? Number.NaN
      // NaN !== NaN: compare so that "still missing" is not a change.
      if (v !== values[i] && !(Number.isNaN(v) && Number.isNaN(values[i]!))) {
        values[i] = v
        changed = true
      }
    }
    if (changed) this.revision++
    return changed
  }

  at(index: number): number {
    return this.values[index] ?? Number.NaN
  }
}
