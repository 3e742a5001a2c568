/**
 * The live values behind one layer's accessors, by the layer's data index,
 * with a revision that names their content: two reads of the same values have
 * the same revision. The revision is the layer's `updateTrigger`: a tick that
 * changes nothing on screen (most ticks change stations elsewhere, or other
 * indicators) costs deck.gl nothing, and one that does recomputes one
 * attribute, never the geometry. Pure: reading makes a new column and
 * changes nothing, so the map reads its columns during render.
 */
export interface ValueColumn {
  readonly values: Float64Array
  /** The values' fingerprint (length and every value's bits, two 32-bit FNV-1a hashes). */
  readonly revision: string
  /** The value at `index`, NaN where there is none. */
  at(index: number): number
}

/** Reads `count` values (NaN for none) into a column. */
export function readColumn(count: number, read: (index: number) => number | undefined): ValueColumn {
  const values = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const v = read(i)
    // One NaN for every missing value, so "still missing" hashes alike.
    values[i] = v === undefined || Number.isNaN(v) ? Number.NaN : v
  }
  return { values, revision: fingerprint(values), at: (index) => values[index] ?? Number.NaN }
}

function fingerprint(values: Float64Array): string {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length * 2)
  let a = 0x811c9dc5 ^ values.length
  let b = 0x01000193 ^ values.length
  for (let i = 0; i < bits.length; i++) {
    a = Math.imul(a ^ bits[i]!, 0x01000193)
    b = Math.imul(b ^ bits[bits.length - 1 - i]!, 0x01000193) ^ (b >>> 15)
  }
  return `${values.length}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`
}
