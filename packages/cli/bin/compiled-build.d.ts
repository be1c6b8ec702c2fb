/** The packages the server side is built from, in build order. */
export const PACKAGES: readonly string[];
/** The newest modification time among the sources dist/ is built from, and their number. */
export function sourceState(root: string): { newest: number; files: number };
/** The compiled CLI's entry when the build matches the sources; undefined otherwise. */
export function currentBuild(root: string): string | undefined;
