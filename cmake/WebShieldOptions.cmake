# Compiler flags shared by every WebShield target: warnings, sanitizers and the fuzzing
# instrumentation. Targets call webshield_target_defaults(<target>).

add_library(webshield_options INTERFACE)
add_library(webshield::options ALIAS webshield_options)

target_compile_options(webshield_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2 -Wundef)
if(WEBSHIELD_WERROR)
  target_compile_options(webshield_options INTERFACE -Werror)
endif()

if(WEBSHIELD_SANITIZE)
  target_compile_options(webshield_options INTERFACE
    -fsanitize=${WEBSHIELD_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(webshield_options INTERFACE -fsanitize=${WEBSHIELD_SANITIZE})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 with sanitizers reports a false -Wmismatched-new-delete on every Asio coroutine
    # frame (awaitable_frame_base has its own operator new and delete).
    target_compile_options(webshield_options INTERFACE -Wno-mismatched-new-delete)
  endif()
endif()

if(WEBSHIELD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WEBSHIELD_FUZZ needs clang (the 'fuzz' preset uses clang++-19)")
  endif()
  target_compile_options(webshield_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(webshield_options INTERFACE -fsanitize=address,undefined)
endif()

function(webshield_target_defaults target)
  target_link_libraries(${target} PRIVATE webshield::options)
endfunction()
