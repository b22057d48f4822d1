import SmoleRecords

/// A shell-style glob, matched case-insensitively.
///
/// - `*` matches any run of characters except `/`;
/// - `?` matches one character except `/`;
/// - `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` match one character (not `/`) from a set; a `[` with
///   no closing `]` is an ordinary character, as in fnmatch(3);
/// - `**` matches any run of characters including `/`; `**/` also matches nothing, so
///   `**/x.pdf` matches `x.pdf` and `a/b/x.pdf`, and `a/**/b` matches `a/b`;
/// - `\` makes the next character ordinary.
///
/// Matching runs the pattern as a small NFA over the text: linear in the text for each pattern
/// position, with no backtracking blow-up.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case any
        case set([ClosedRange<Unicode.Scalar>], negated: Bool)
        case star
        case globstar
        /// `**/`: nothing, or anything that ends with `/`.
        case globstarSlash
    }

    /// The pattern as written (matching uses its lowercased form).
    public let pattern: String
    let tokens: [Token]

    /// Whether the pattern has a `/`, so that it speaks about a path rather than a name.
    public var hasSlash: Bool { tokens.contains { $0 == .literal("/") || $0 == .globstarSlash } }

    /// The pattern as written.
    public var description: String { pattern }

    /// Compiles `pattern`, lowercased, into tokens; every string is a valid glob (an unclosed `[` is literal).
    public init(_ pattern: String) {
        self.pattern = pattern
        let s = Array(pattern.lowercased().unicodeScalars)
        var t: [Token] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            switch c {
            case "\\":
                if i + 1 < s.count {
                    t.append(.literal(s[i + 1]))
                    i += 2
                } else {
                    t.append(.literal("\\"))
                    i += 1
                }
            case "?":
                t.append(.any)
                i += 1
            case "*":
                if i + 1 < s.count, s[i + 1] == "*" {
                    var j = i + 2
                    while j < s.count, s[j] == "*" { j += 1 }
                    if j < s.count, s[j] == "/" {
                        t.append(.globstarSlash)
                        j += 1
                    } else {
                        t.append(.globstar)
                    }
                    i = j
                } else {
                    if t.last != .star { t.append(.star) }
                    i += 1
                }
            case "[":
                if let (tok, next) = Glob.parseSet(s, from: i) {
                    t.append(tok)
                    i = next
                } else {
                    t.append(.literal("["))
                    i += 1
                }
            default:
                t.append(.literal(c))
                i += 1
            }
        }
        tokens = t
    }

    /// Parses `[...]` starting at `start` (the `[`); nil when there is no closing `]`.
    static func parseSet(_ s: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
        var i = start + 1
        var negated = false
        if i < s.count, s[i] == "!" || s[i] == "^" {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while i < s.count {
            var c = s[i]
            if c == "]", !first { return (.set(ranges, negated: negated), i + 1) }
            first = false
            if c == "\\", i + 1 < s.count {
                i += 1
                c = s[i]
            }
            if i + 2 < s.count, s[i + 1] == "-", s[i + 2] != "]" {
                var hi = s[i + 2]
                var skip = 3
                if hi == "\\", i + 3 < s.count {
                    hi = s[i + 3]
                    skip = 4
                }
                if c <= hi { ranges.append(c...hi) }
                i += skip
            } else {
                ranges.append(c...c)
                i += 1
            }
        }
        return nil
    }

    /// Whether the whole of `text` matches (case-insensitively).
    public func matches(_ text: String) -> Bool {
        matches(scalars: Array(text.lowercased().unicodeScalars))
    }

    /// `text` must already be lowercased.
    func matches(scalars text: [Unicode.Scalar]) -> Bool {
        let n = tokens.count
        var current = [Bool](repeating: false, count: n + 1)
        var next = [Bool](repeating: false, count: n + 1)
        current[0] = true
        close(&current)
        for c in text {
            for i in 0...n { next[i] = false }
            var any = false
            for p in 0..<n where current[p] {
                switch tokens[p] {
                case .literal(let l):
                    if l == c { next[p + 1] = true; any = true }
                case .any:
                    if c != "/" { next[p + 1] = true; any = true }
                case .set(let ranges, let negated):
                    if c != "/", ranges.contains(where: { $0.contains(c) }) != negated {
                        next[p + 1] = true; any = true
                    }
                case .star:
                    if c != "/" { next[p] = true; any = true }
                case .globstar:
                    next[p] = true
                    any = true
                case .globstarSlash:
                    next[p] = true
                    any = true
                    if c == "/" { next[p + 1] = true }
                }
            }
            if !any { return false }
            close(&next)
            swap(&current, &next)
        }
        return current[n]
    }

    /// Adds the positions reachable without reading a character (past `*`, `**`, `**/`).
    private func close(_ set: inout [Bool]) {
        for p in 0..<tokens.count where set[p] {
            switch tokens[p] {
            case .star, .globstar, .globstarSlash: set[p + 1] = true
            default: break
            }
        }
    }
}

/// The `--glob`/`--exclude` filter of smole-ls: a pattern without `/` is matched against the
/// base name of each entry, one with `/` against its whole path relative to the folder being
/// walked (a leading `/` or `./` in the pattern anchors nothing more: the match is always of
/// the whole relative path).
public struct PathFilter: Sendable {
    /// `--glob` patterns: when any are given, only files matching one of them are listed.
    public var include: [Glob]
    /// `--exclude` patterns: files, and folders as a whole, matching one of them are left out.
    public var exclude: [Glob]

    /// A filter from the patterns as given; a leading `./` or `/` is dropped and `dir/` means `dir/**`.
    public init(include: [String] = [], exclude: [String] = []) {
        self.include = include.map { Glob(PathFilter.normalize($0)) }
        self.exclude = exclude.map { Glob(PathFilter.normalize($0)) }
    }

    static func normalize(_ p: String) -> String {
        var s = Substring(p)
        while s.hasPrefix("./") { s = s.dropFirst(2) }
        while s.hasPrefix("/") { s = s.dropFirst() }
        // `dir/` means the folder and what is under it.
        if s.hasSuffix("/"), s.count > 1 { return String(s) + "**" }
        return String(s)
    }

    static func matches(_ g: Glob, relative: [Unicode.Scalar], name: [Unicode.Scalar]) -> Bool {
        g.hasSlash ? g.matches(scalars: relative) : g.matches(scalars: name)
    }

    /// Whether a file at `relative` (base name `name`) is listed.
    public func includes(file relative: String, name: String) -> Bool {
        if include.isEmpty, exclude.isEmpty { return true }
        let r = Array(relative.lowercased().unicodeScalars)
        let n = Array(name.lowercased().unicodeScalars)
        if exclude.contains(where: { PathFilter.matches($0, relative: r, name: n) }) { return false }
        if include.isEmpty { return true }
        return include.contains { PathFilter.matches($0, relative: r, name: n) }
    }

    /// Whether a folder at `relative` is skipped whole (an `--exclude` matches it).
    public func prunes(directory relative: String, name: String) -> Bool {
        if exclude.isEmpty { return false }
        let r = Array(relative.lowercased().unicodeScalars)
        let n = Array(name.lowercased().unicodeScalars)
        // `docs/build/` (stored as `docs/build/**`) prunes the folder `docs/build` itself.
        let slashed = r + ["/"]
        return exclude.contains {
            PathFilter.matches($0, relative: r, name: n) || ($0.hasSlash && $0.matches(scalars: slashed))
        }
    }
}
