# Cross build for linux-arm64 (glibc) with Debian's gcc-aarch64-linux-gnu; build.sh passes this file as
# CMAKE_TOOLCHAIN_FILE for build/native-linux-arm64. Test programs run under qemu-user (qemu-aarch64)
# with the cross sysroot as the root for the dynamic loader and libc (-L), which ctest and CMake's
# try_run use through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SIGNALS_TARGET_RID linux-arm64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(SIGNALS_ARM64_SYSROOT /usr/aarch64-linux-gnu)

# Libraries and headers from the cross sysroot only; programs (swig, the host's tools) from the host.
# Packages from both: the C consumer test (tests/c-consumer) finds the Signals package it has just
# installed into a scratch prefix outside the sysroot; the build itself finds no package config.
set(CMAKE_FIND_ROOT_PATH ${SIGNALS_ARM64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

find_program(SIGNALS_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${SIGNALS_QEMU_AARCH64} -L ${SIGNALS_ARM64_SYSROOT})
