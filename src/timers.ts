/** setTimeout treats delays past this as 0: longer waits are clamped to it. */
export const MAX_TIMEOUT = 2 ** 31 - 1
