# Installs the build tree into a fresh prefix, then builds and runs consumer.c against it twice:
# with find_package(Signals) (Signals::signals) and with pkg-config. Any failure is FATAL_ERROR.
# Inputs (-D): BUILD_DIR (the tree to install), WORK_DIR (scratch), C_COMPILER, VERSION (the project's, which
# find_package asks for: managed/Directory.Build.props); optional TOOLCHAIN_FILE
# (the build's own) and EMULATOR (a command line that runs the target's programs, e.g. qemu-aarch64 -L ...).
cmake_minimum_required(VERSION 3.25)
set(source_dir ${CMAKE_CURRENT_LIST_DIR})
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
set(toolchain "")
if(TOOLCHAIN_FILE)
  set(toolchain -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN_FILE})
endif()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${what}:\n${out}${err}")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "c-consumer: ${what} failed (${result})")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(installed include/signals.h)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "c-consumer: ${installed} was not installed")
  endif()
endforeach()

# 1. find_package(Signals) with the installed prefix only.
run("configure with find_package" ${CMAKE_COMMAND} -S ${source_dir}/project -B ${WORK_DIR}/cmake-build
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${C_COMPILER} ${toolchain} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DSIGNALS_VERSION=${VERSION})
run("build with find_package" ${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-build)
run("run the find_package consumer" ${emulator} ${WORK_DIR}/cmake-build/consumer)
if(NOT last_output MATCHES "consumer: OK")
  message(FATAL_ERROR "c-consumer: the find_package consumer did not report OK")
endif()

# 2. pkg-config, as a Makefile user would: cflags and libs from signals.pc, rpath to its libdir.
find_program(PKG_CONFIG_EXECUTABLE NAMES pkg-config pkgconf REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig:${prefix}/lib64/pkgconfig)
run("pkg-config" ${PKG_CONFIG_EXECUTABLE} --cflags --libs signals)
separate_arguments(flags UNIX_COMMAND "${last_output}")
run("pkg-config libdir" ${PKG_CONFIG_EXECUTABLE} --variable=libdir signals)
string(STRIP "${last_output}" libdir)
run("compile with pkg-config" ${C_COMPILER} -o ${WORK_DIR}/consumer-pc ${source_dir}/consumer.c ${flags} -Wl,-rpath,${libdir})
run("run the pkg-config consumer" ${emulator} ${WORK_DIR}/consumer-pc)
if(NOT last_output MATCHES "consumer: OK")
  message(FATAL_ERROR "c-consumer: the pkg-config consumer did not report OK")
endif()
