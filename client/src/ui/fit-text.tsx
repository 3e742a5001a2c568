import { useLayoutEffect, useRef, useState } from 'react'
import './fit-text.css'

/**
 * A label that fits its box: on one line when it can, otherwise on two lines
 * in a smaller size, and only then cut with an ellipsis. Chinese labels are
 * short; English ones ("Households at risk of relapse") are often twice as
 * wide, and a label cut in half says nothing from across a room. The full
 * text is always the title.
 */
export function FitText({ text, className = '' }: { text: string; className?: string }) {
  const ref = useRef<HTMLSpanElement>(null)
  const [wrap, setWrap] = useState(false)
  // A new text is measured on one line first.
  useLayoutEffect(() => setWrap(false), [text])
  useLayoutEffect(() => {
    const el = ref.current
    if (el && !wrap && el.scrollWidth > el.clientWidth + 1) setWrap(true)
  }, [text, wrap])
  return (
    <span ref={ref} className={`fit-text${wrap ? ' fit-text--wrap' : ''}${className ? ` ${className}` : ''}`} title={text} data-fit={wrap ? 'wrap' : 'line'}>
      {text}
    </span>
  )
}
