/** The wall view's labels (part of the one message catalog in messages.ts). English must have the same keys. */
export const wallZh = {} satisfies Record<string, string>

export const wallEn: Record<keyof typeof wallZh, string> = {}
