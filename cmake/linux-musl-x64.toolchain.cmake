# linux-musl-x64 (Alpine and other musl distributions) with Debian's musl-tools: musl-gcc is gcc with
# musl's headers, start files and libc.so instead of glibc's. The library then needs "libc.so", which
# musl's dynamic loader resolves to itself; the test programs get /lib/ld-musl-x86_64.so.1 as their
# interpreter (installed by Debian's musl package) and run natively, against musl, on this machine.
# Same architecture, so not a cross build for CMake: the tests run without an emulator.
set(SIGNALS_TARGET_RID linux-musl-x64)
set(CMAKE_C_COMPILER musl-gcc)
