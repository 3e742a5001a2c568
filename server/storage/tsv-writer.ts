/**
 * Writes TabSeparated text straight into bytes. The ingest hot path encodes
 * every point it stores; building a string per row and then encoding the whole
 * of it as UTF-8 cost about a microsecond a point, most of it turning numbers
 * into text and copying strings twice. Here an ASCII code is copied byte by
 * byte, an integer written digit by digit, and only a fractional number goes
 * through `String()` (V8's shortest round-trip form, which the engine reads
 * back to the same double).
 */

const TAB = 9
const NEWLINE = 10
const BACKSLASH = 92
const MINUS = 45
const ZERO = 48

const DOT = 46

/** Beyond this an integer is not exact in a double; such a number is written by String(). */
const MAX_EXACT = Number.MAX_SAFE_INTEGER
/** Fractions written by digits lie within these bounds (see `number`). */
const MAX_SHORT_DECIMAL = 1e9
const MIN_SHORT_DECIMAL = 1e-4
const POWERS_OF_TEN = [1, 10, 100, 1000, 10000]

/** ClickHouse's TabSeparated escapes (https://clickhouse.com/docs/interfaces/formats/TabSeparated). */
const ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\', '\0': '\\0', '\b': '\\b', '\f': '\\f' }

export function escapeTsv(s: string): string {
  return s.replace(/[\t\n\r\\\0\b\f]/g, (c) => ESCAPES[c]!)
}

export class TsvWriter {
  private buf: Buffer
  private pos = 0

  constructor(expectedBytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, Math.ceil(expectedBytes)))
  }

  get length(): number {
    return this.pos
  }

  /** A field of text, escaped as TSV requires. */
  text(s: string): void {
    const n = s.length
    this.reserve(n)
    const buf = this.buf
    let pos = this.pos
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      // Printable ASCII (and space) as is; anything else (escapes, UTF-8) by the slow path.
      if (c < 32 || c >= 127 || c === BACKSLASH) {
        this.pos = pos
        this.slowText(s.slice(i))
        return
      }
      buf[pos++] = c
    }
    this.pos = pos
  }

  /**
   * A number as the engine reads it back exactly, in the same text as String():
   * integers by digits, short decimals (most measurements) by digits too, and
   * anything else by String().
   */
  number(v: number): void {
    if (Number.isInteger(v)) {
      if (v <= MAX_EXACT && v >= -MAX_EXACT) {
        this.integer(v)
        return
      }
    } else if (v < MAX_SHORT_DECIMAL && v > -MAX_SHORT_DECIMAL && (v >= MIN_SHORT_DECIMAL || v <= -MIN_SHORT_DECIMAL)) {
      // The fewest decimals d (up to 4) whose rounding divides back to exactly v: the
      // division is correctly rounded, as the engine's parse of the same decimal is,
      // so the text reads back as v. Below 1e9, doubles are closer together than
      // 1e-4, so that text is the only one with d decimals and is what String() gives.
      for (let d = 1; d <= 4; d++) {
        const scale = POWERS_OF_TEN[d]!
        const m = Math.round(v * scale)
        if (m / scale === v) {
          this.decimal(m, d, scale)
          return
        }
      }
    }
    this.ascii(String(v))
  }

  tab(): void {
    this.reserve(1)
    this.buf[this.pos++] = TAB
  }

  newline(): void {
    this.reserve(1)
    this.buf[this.pos++] = NEWLINE
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  /**
   * The bytes written. Copied when most of the buffer went unused, so a batch
   * waiting for storage holds no more memory than its text.
   */
  finish(): Buffer {
    const out = this.buf.subarray(0, this.pos)
    return this.pos < this.buf.length * 0.75 ? Buffer.from(out) : out
  }

  /** An integer no larger than MAX_EXACT in magnitude. */
  private integer(v: number): void {
    this.reserve(17)
    if (v < 0) {
      this.buf[this.pos++] = MINUS
      v = -v
    }
    if (v < 0x80000000) {
      this.smallDigits(v)
      return
    }
    // Two int32 halves, so the digits come from integer arithmetic.
    const high = Math.floor(v / 1e9)
    this.smallDigits(high)
    this.nineDigits(v - high * 1e9)
  }

  /** m / 10^d with exactly d decimals (|m| < 1e13). */
  private decimal(m: number, d: number, scale: number): void {
    this.reserve(17)
    if (m < 0) {
      this.buf[this.pos++] = MINUS
      m = -m
    }
    const whole = Math.floor(m / scale)
    let fraction = m - whole * scale
    if (whole < 0x80000000) this.smallDigits(whole)
    else this.integer(whole)
    const buf = this.buf
    buf[this.pos] = DOT
    const end = this.pos + 1 + d
    for (let pos = end - 1; pos > this.pos; pos--) {
      const q = (fraction / 10) | 0
      buf[pos] = ZERO + fraction - q * 10
      fraction = q
    }
    this.pos = end
  }

  /** 0 ≤ v < 2^31. */
  private smallDigits(v: number): void {
    let len = 1
    for (let x = v; x >= 10; x = (x / 10) | 0) len++
    const buf = this.buf
    let pos = this.pos + len
    this.pos = pos
    do {
      const q = (v / 10) | 0
      buf[--pos] = ZERO + v - q * 10
      v = q
    } while (v > 0)
  }

  /** 0 ≤ v < 10^9, zero-padded to nine digits. */
  private nineDigits(v: number): void {
    const buf = this.buf
    const end = this.pos + 9
    for (let pos = end - 1; pos >= this.pos; pos--) {
      const q = (v / 10) | 0
      buf[pos] = ZERO + v - q * 10
      v = q
    }
    this.pos = end
  }

  /** Text known to be ASCII with nothing to escape (a number's digits). */
  private ascii(s: string): void {
    const n = s.length
    this.reserve(n)
    const buf = this.buf
    let pos = this.pos
    for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i)
    this.pos = pos
  }

  private slowText(s: string): void {
    const escaped = escapeTsv(s)
    this.reserve(Buffer.byteLength(escaped, 'utf8'))
    this.pos += this.buf.write(escaped, this.pos, 'utf8')
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }
}
