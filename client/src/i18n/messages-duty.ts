/** The duty view's labels (part of the one message catalog in messages.ts). English must have the same keys. */
export const dutyZh = {} satisfies Record<string, string>

export const dutyEn: Record<keyof typeof dutyZh, string> = {}
