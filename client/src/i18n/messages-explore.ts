/** The explore view's labels (part of the one message catalog in messages.ts). English must have the same keys. */
export const exploreZh = {} satisfies Record<string, string>

export const exploreEn: Record<keyof typeof exploreZh, string> = {}
