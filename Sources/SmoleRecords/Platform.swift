// The platform shim: the C library, under its platform's module name, imported here once and re-exported, so
// that no other file of the package needs its own `#if canImport(Glibc)` block for POSIX calls (open, write,
// posix_spawn, pthread, stat...). Every module that imports SmoleRecords sees it.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// The C library's calls under a name no method shadows: inside a type that has its own `write`, `read` or `exit`,
/// the bare name means the method, and the module-qualified one (`Glibc.write`) names one platform.
public enum LibC {
    /// write(2): bytes written, or -1 with `errno` set.
    public static func write(_ fd: Int32, _ buf: UnsafeRawPointer?, _ n: Int) -> Int {
        platformWrite(fd, buf, n)
    }
    /// read(2): bytes read, 0 at end of file, or -1 with `errno` set.
    public static func read(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ n: Int) -> Int {
        platformRead(fd, buf, n)
    }
    /// exit(3): flushes C streams and ends the process with `status`.
    public static func exit(_ status: Int32) -> Never { platformExit(status) }
    /// strerror(3): the C library's message for an `errno` value.
    public static func strerror(_ e: Int32) -> String { String(cString: platformStrerror(e)) }
}

// The module-free names resolve to the C library here, where no type's method shadows them.
private func platformWrite(_ fd: Int32, _ buf: UnsafeRawPointer?, _ n: Int) -> Int { write(fd, buf, n) }
private func platformRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, buf, n) }
private func platformExit(_ status: Int32) -> Never { exit(status) }
private func platformStrerror(_ e: Int32) -> UnsafeMutablePointer<CChar> { strerror(e) }
