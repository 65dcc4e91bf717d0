/** A Go release version such as 1.26.8, parsed from `go version` or `go env GOVERSION`. */
export interface GoVersion {
    major: number;
    minor: number;
    patch: number;
    /** The text it was parsed from, e.g. `go1.26.8` or `go1.27rc1`. */
    raw: string;
}

const GO_VERSION = /(\d+)\.(\d+)(?:\.(\d+))?/;

/** Parses `go1.26.8`, `go version go1.26.8 linux/amd64` or `1.26`; undefined when there is no version in the text. */
export function parseGoVersion(text: string): GoVersion | undefined {
    const m = GO_VERSION.exec(text);
    if (!m) {
        return undefined;
    }
    return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), raw: text.trim() };
}

/** Negative when a is older than b, zero when equal, positive when newer. Pre-releases compare as their release. */
export function compareGoVersions(a: GoVersion, b: GoVersion): number {
    return (a.major - b.major) || (a.minor - b.minor) || (a.patch - b.patch);
}

export function formatGoVersion(v: GoVersion): string {
    return `${v.major}.${v.minor}.${v.patch}`;
}
