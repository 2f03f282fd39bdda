// The localStorage key of a lab's progress. Kept apart from progress.ts so the
// small loader on every chapter page can read it without pulling in zod.
export const PROGRESS_KEY_PREFIX = 'opslab:progress:';
export const progressKey = (labId: string) => PROGRESS_KEY_PREFIX + labId;
