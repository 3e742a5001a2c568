/** The map view's labels (part of the one message catalog in messages.ts). English must have the same keys. */
export const mapZh = {} satisfies Record<string, string>

export const mapEn: Record<keyof typeof mapZh, string> = {}
