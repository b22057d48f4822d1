#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A SHA-256 digest over raw buffers for smole-ls. It uses the system's libcrypto (OpenSSL 3,
/// which runs the CPU's SHA instructions where there are some: several times faster) when that
/// library can be loaded and passes a self-test, and the portable Swift `SHA256` otherwise.
/// `SMOLE_SHA256=portable` in the environment forces the Swift implementation.
public final class Digest256 {
    public enum Backend: String, Sendable { case libcrypto, portable }

    /// The backend new digests use by default.
    public static let defaultBackend: Backend = {
        if ProcessInfo.processInfo.environment["SMOLE_SHA256"] == "portable" { return .portable }
        return LibCrypto.shared != nil ? .libcrypto : .portable
    }()

    public let backend: Backend
    private var portable = SHA256()
    private var ctx: OpaquePointer? = nil
    private let lib: LibCrypto?

    public init(backend: Backend = Digest256.defaultBackend) {
        if backend == .libcrypto, let lib = LibCrypto.shared, let c = lib.newContext() {
            self.backend = .libcrypto
            self.lib = lib
            ctx = c
            _ = lib.initDigest(c)
        } else {
            self.backend = .portable
            self.lib = nil
        }
    }

    deinit { if let ctx, let lib { lib.freeCtx(ctx) } }

    public func update(_ buf: UnsafeRawBufferPointer) {
        if let ctx, let lib {
            _ = lib.update(ctx, buf.baseAddress, buf.count)
        } else {
            portable.update(buf)
        }
    }

    /// Forgets everything passed to `update` so far.
    public func reset() {
        if let ctx, let lib {
            _ = lib.initDigest(ctx)
        } else {
            portable = SHA256()
        }
    }

    /// The hex digest of everything since creation or the last `reset`/`finalizeHex`.
    public func finalizeHex() -> String {
        defer { reset() }
        if let ctx, let lib {
            var out = [UInt8](repeating: 0, count: 32)
            var n: UInt32 = 0
            _ = lib.final(ctx, &out, &n)
            return SHA256.hex(out)
        }
        return portable.finalizeHex()
    }

    public static func hash(_ bytes: [UInt8], backend: Backend = Digest256.defaultBackend) -> String {
        let d = Digest256(backend: backend)
        bytes.withUnsafeBytes { d.update($0) }
        return d.finalizeHex()
    }
}

/// OpenSSL's EVP digest functions, looked up at run time (no build-time dependency).
struct LibCrypto: @unchecked Sendable {
    typealias NewCtx = @convention(c) () -> OpaquePointer?
    typealias FreeCtx = @convention(c) (OpaquePointer?) -> Void
    typealias GetMD = @convention(c) () -> OpaquePointer?
    typealias FetchMD = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> OpaquePointer?
    typealias InitEx = @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> Int32
    typealias Update = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int) -> Int32
    typealias Final = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt32>?) -> Int32

    let newCtx: NewCtx
    let freeCtx: FreeCtx
    let md: OpaquePointer
    let initEx: InitEx
    let update: Update
    let final: Final

    func newContext() -> OpaquePointer? { newCtx() }
    func initDigest(_ c: OpaquePointer) -> Bool { initEx(c, md, nil) == 1 }

    static let shared: LibCrypto? = load()

    static func load() -> LibCrypto? {
        for name in ["libcrypto.so.3", "libcrypto.so"] {
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            func sym<T>(_ n: String, _: T.Type) -> T? {
                guard let p = dlsym(h, n) else { return nil }
                return unsafeBitCast(p, to: T.self)
            }
            guard let newCtx = sym("EVP_MD_CTX_new", NewCtx.self), let freeCtx = sym("EVP_MD_CTX_free", FreeCtx.self),
                let initEx = sym("EVP_DigestInit_ex", InitEx.self), let update = sym("EVP_DigestUpdate", Update.self),
                let final = sym("EVP_DigestFinal_ex", Final.self)
            else { continue }
            // An explicitly fetched digest avoids a provider lookup on every file.
            var md: OpaquePointer? = nil
            if let fetch = sym("EVP_MD_fetch", FetchMD.self) { md = fetch(nil, "SHA256", nil) }
            if md == nil, let get = sym("EVP_sha256", GetMD.self) { md = get() }
            guard let md else { continue }
            let lib = LibCrypto(newCtx: newCtx, freeCtx: freeCtx, md: md, initEx: initEx, update: update, final: final)
            if lib.selfTest() { return lib }
        }
        return nil
    }

    /// "abc" must hash to the FIPS 180-2 value, or the library is not used.
    func selfTest() -> Bool {
        guard let c = newCtx() else { return false }
        defer { freeCtx(c) }
        guard initDigest(c) else { return false }
        let abc: [UInt8] = [0x61, 0x62, 0x63]
        guard abc.withUnsafeBytes({ update(c, $0.baseAddress, 3) }) == 1 else { return false }
        var out = [UInt8](repeating: 0, count: 32)
        var n: UInt32 = 0
        guard final(c, &out, &n) == 1, n == 32 else { return false }
        return SHA256.hex(out) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    }
}

// SHA-256 (FIPS 180-4) in plain Swift: there is no CryptoKit on Linux, and a streaming
// digest over raw buffers is all smole-ls needs. Checked against the FIPS test vectors and
// against sha256sum in the tests.

public struct SHA256: Sendable {
    private var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85, h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c, h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19
    /// Bytes of a partial block waiting for more input.
    private var tail: [UInt8] = []
    private var total: UInt64 = 0

    public init() {}

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ buf: UnsafeRawBufferPointer) {
        guard var p = buf.baseAddress, buf.count > 0 else { return }
        var n = buf.count
        total &+= UInt64(n)
        if !tail.isEmpty {
            let take = min(64 - tail.count, n)
            tail.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
            p += take
            n -= take
            if tail.count == 64 {
                let t = tail
                t.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                tail.removeAll(keepingCapacity: true)
            }
        }
        let blocks = n / 64
        if blocks > 0 {
            compress(p, blocks: blocks)
            p += blocks * 64
            n -= blocks * 64
        }
        if n > 0 { tail.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    }

    /// The digest of everything passed to `update`. The value is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        let bits = total &* 8
        var pad: [UInt8] = [0x80]
        let used = Int(total % 64)
        let zeros = (used < 56 ? 55 - used : 119 - used)
        pad.append(contentsOf: repeatElement(0, count: zeros))
        for i in (0..<8).reversed() { pad.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        let saved = total
        update(pad)
        total = saved
        var out = [UInt8]()
        out.reserveCapacity(32)
        for w in [h0, h1, h2, h3, h4, h5, h6, h7] {
            out.append(UInt8(truncatingIfNeeded: w >> 24))
            out.append(UInt8(truncatingIfNeeded: w >> 16))
            out.append(UInt8(truncatingIfNeeded: w >> 8))
            out.append(UInt8(truncatingIfNeeded: w))
        }
        return out
    }

    public mutating func finalizeHex() -> String { SHA256.hex(finalize()) }

    public static func hash(_ bytes: [UInt8]) -> String {
        var s = SHA256()
        s.update(bytes)
        return s.finalizeHex()
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    // Generated: 64 unrolled rounds with the working variables renamed instead of moved.
    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        var a0 = h0, b0 = h1, c0 = h2, d0 = h3, e0 = h4, f0 = h5, g0 = h6, hh0 = h7
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { wbuf in
            let w = wbuf.baseAddress!
            var block = data
            for _ in 0..<blocks {
                for i in 0..<16 {
                    w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
                }
                var i = 16
                while i < 64 {
                    let x = w[i &- 15], y = w[i &- 2]
                    let s0 = SHA256.rotr(x, 7) ^ SHA256.rotr(x, 18) ^ (x >> 3)
                    let s1 = SHA256.rotr(y, 17) ^ SHA256.rotr(y, 19) ^ (y >> 10)
                    w[i] = w[i &- 16] &+ s0 &+ w[i &- 7] &+ s1
                    i &+= 1
                }
                var a = a0, b = b0, c = c0, d = d0, e = e0, f = f0, g = g0, h = hh0
                SHA256.round(a, b, c, &d, e, f, g, &h, 0x428a2f98, w[0])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0x71374491, w[1])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0xb5c0fbcf, w[2])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0xe9b5dba5, w[3])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0x3956c25b, w[4])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0x59f111f1, w[5])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0x923f82a4, w[6])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0xab1c5ed5, w[7])
                SHA256.round(a, b, c, &d, e, f, g, &h, 0xd807aa98, w[8])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0x12835b01, w[9])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0x243185be, w[10])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0x550c7dc3, w[11])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0x72be5d74, w[12])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0x80deb1fe, w[13])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0x9bdc06a7, w[14])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0xc19bf174, w[15])
                SHA256.round(a, b, c, &d, e, f, g, &h, 0xe49b69c1, w[16])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0xefbe4786, w[17])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0x0fc19dc6, w[18])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0x240ca1cc, w[19])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0x2de92c6f, w[20])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0x4a7484aa, w[21])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0x5cb0a9dc, w[22])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0x76f988da, w[23])
                SHA256.round(a, b, c, &d, e, f, g, &h, 0x983e5152, w[24])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0xa831c66d, w[25])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0xb00327c8, w[26])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0xbf597fc7, w[27])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0xc6e00bf3, w[28])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0xd5a79147, w[29])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0x06ca6351, w[30])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0x14292967, w[31])
                SHA256.round(a, b, c, &d, e, f, g, &h, 0x27b70a85, w[32])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0x2e1b2138, w[33])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0x4d2c6dfc, w[34])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0x53380d13, w[35])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0x650a7354, w[36])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0x766a0abb, w[37])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0x81c2c92e, w[38])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0x92722c85, w[39])
                SHA256.round(a, b, c, &d, e, f, g, &h, 0xa2bfe8a1, w[40])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0xa81a664b, w[41])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0xc24b8b70, w[42])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0xc76c51a3, w[43])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0xd192e819, w[44])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0xd6990624, w[45])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0xf40e3585, w[46])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0x106aa070, w[47])
                SHA256.round(a, b, c, &d, e, f, g, &h, 0x19a4c116, w[48])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0x1e376c08, w[49])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0x2748774c, w[50])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0x34b0bcb5, w[51])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0x391c0cb3, w[52])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0x4ed8aa4a, w[53])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0x5b9cca4f, w[54])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0x682e6ff3, w[55])
                SHA256.round(a, b, c, &d, e, f, g, &h, 0x748f82ee, w[56])
                SHA256.round(h, a, b, &c, d, e, f, &g, 0x78a5636f, w[57])
                SHA256.round(g, h, a, &b, c, d, e, &f, 0x84c87814, w[58])
                SHA256.round(f, g, h, &a, b, c, d, &e, 0x8cc70208, w[59])
                SHA256.round(e, f, g, &h, a, b, c, &d, 0x90befffa, w[60])
                SHA256.round(d, e, f, &g, h, a, b, &c, 0xa4506ceb, w[61])
                SHA256.round(c, d, e, &f, g, h, a, &b, 0xbef9a3f7, w[62])
                SHA256.round(b, c, d, &e, f, g, h, &a, 0xc67178f2, w[63])
                a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                e0 &+= e; f0 &+= f; g0 &+= g; hh0 &+= h
                block += 64
            }
        }
        h0 = a0; h1 = b0; h2 = c0; h3 = d0; h4 = e0; h5 = f0; h6 = g0; h7 = hh0
    }

    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ k: UInt32, _ w: UInt32
    ) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ k &+ w
        d &+= t1
        h = t1 &+ (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
    }
}
