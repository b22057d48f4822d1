import Crypto

/// A streaming SHA-256 (FIPS 180-4) for smole-ls and the engine: swift-crypto's, which on Linux is
/// BoringSSL's assembly with the processor's SHA extensions (SHA-NI, ARMv8 SHA2) where it has them.
/// One value is reused for many files: `finalizeHex` starts it afresh.
public final class Digest256 {
    private var hasher = Crypto.SHA256()

    /// A digest with nothing added yet.
    public init() {}

    /// Adds `buf` to the digest.
    public func update(_ buf: UnsafeRawBufferPointer) { hasher.update(bufferPointer: buf) }

    /// Forgets everything passed to `update` so far.
    public func reset() { hasher = Crypto.SHA256() }

    /// The 64-character lower-case hex digest of everything since creation or the last
    /// `reset`/`finalizeHex`; the digest then starts afresh.
    public func finalizeHex() -> String {
        defer { reset() }
        return Digest256.hex(hasher.finalize())
    }

    /// The hex digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> String { hex(Crypto.SHA256.hash(data: bytes)) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
