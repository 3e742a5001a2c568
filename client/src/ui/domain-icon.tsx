import type { DomainIcon as IconName } from '../../../common/catalog-schema'

/**
 * The icons a domain can name in the catalog (DOMAIN_ICONS), drawn here as
 * line art in a 24-unit box, in the text's colour: no icon font or file is
 * fetched, so a wall offline shows them all.
 */
const PATHS: Record<IconName, string> = {
  briefcase: 'M3 8h18v11H3zM8 8V5h8v3M3 13h18',
  home: 'M3 11l9-7 9 7M5 10v10h14V10M10 20v-6h4v6',
  leaf: 'M5 19C5 10 11 5 20 4c0 9-5 15-13 15M5 19l8-8',
  car: 'M4 16v-4l2-5h12l2 5v4zM4 16v3M20 16v3M7.5 13.5h.01M16.5 13.5h.01',
  siren: 'M6 18v-6a6 6 0 0 1 12 0v6M4 18h16v3H4zM12 2v2M4.5 5.5l1.5 1.5M19.5 5.5 18 7',
  phone: 'M5 3h4l2 5-3 2a11 11 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2',
  shield: 'M12 3l8 3v6c0 5-4 8-8 9-4-1-8-4-8-9V6zM9 12l2 2 4-4',
  heart: 'M12 20S4 15 4 9a4 4 0 0 1 8-1 4 4 0 0 1 8 1c0 6-8 11-8 11',
  book: 'M4 5a2 2 0 0 1 2-2h13v16H6a2 2 0 0 0-2 2zM4 21V5M8 7h7',
  drop: 'M12 3s6 7 6 11a6 6 0 0 1-12 0c0-4 6-11 6-11',
  building: 'M4 21V4h10v17M14 9h6v12M2 21h20M7 8h4M7 12h4M7 16h4',
  grid: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
}

export function DomainIcon({ icon, className }: { icon: IconName; className?: string }) {
  return (
    <svg className={className} viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" data-icon={icon}>
      <path d={PATHS[icon]} />
    </svg>
  )
}
