/**
 * Timestamps have millisecond resolution, and records created in the same millisecond have
 * no defined newest-first order. Tests that assert that order wait for the clock to move on.
 */
export function nextMillisecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2));
}
