export const BROWSER_TARGET: string;
export const BROWSER_FLOOR: readonly string[];
