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
