/** p50/p95/min/max of one metric over the measured runs, with the samples themselves for reading noise. */
export interface Summary {
    p50: number;
    p95: number;
    min: number;
    max: number;
    samples: number[];
}

/** Linear interpolation between the closest ranks (numpy's default), so p95 of 5 samples lies between the two largest. */
export function percentile(sorted: number[], p: number): number {
    const rank = (sorted.length - 1) * p;
    const low = Math.floor(rank);
    const high = Math.ceil(rank);
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function round(value: number, digits = 0): number {
    const scale = 10 ** digits;
    return Math.round(value * scale) / scale;
}

/** Null when no run produced the metric (every run of that app failed). */
export function summarize(samples: number[], digits = 0): Summary | null {
    if (samples.length === 0) {
        return null;
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return {
        p50: round(percentile(sorted, 0.5), digits),
        p95: round(percentile(sorted, 0.95), digits),
        min: sorted[0],
        max: sorted[sorted.length - 1],
        samples
    };
}

/** a / b of two p50s, rounded; null when either side is missing. */
export function ratio(a: Summary | null, b: Summary | null): number | null {
    return a && b && b.p50 !== 0 ? round(a.p50 / b.p50, 3) : null;
}
