/** Transactions a run sends unless told otherwise: the original kit's 5,000 (10 threads × 500). */
export const DEFAULT_COUNT = 5000
