# Fails when a C++ file under src/, tests/, bench/ or web/ is not formatted by .clang-format.
file(GLOB_RECURSE files ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.hpp ${SOURCE_DIR}/tests/*.cpp
     ${SOURCE_DIR}/tests/*.hpp ${SOURCE_DIR}/bench/*.cpp)
# Not recursive in web/: node_modules/ is npm's.
file(GLOB web_files ${SOURCE_DIR}/web/*.hpp)
list(APPEND files ${web_files})
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${files} RESULT_VARIABLE rc
                ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "not clang-formatted (run clang-format -i on these):\n${out}")
endif()
