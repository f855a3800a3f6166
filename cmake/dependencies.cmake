# Finds the project's third-party libraries (all from Debian packages; scripts/install-deps).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
find_package(RapidJSON REQUIRED)
if(NOT TARGET RapidJSON::RapidJSON)
  add_library(RapidJSON::RapidJSON INTERFACE IMPORTED)
  target_include_directories(RapidJSON::RapidJSON INTERFACE ${RapidJSON_INCLUDE_DIRS})
endif()
# RapidJSON's contract checks throw instead of aborting (cmake/rapidjson_assert.h). Forced into
# every translation unit, before any header, so that all of them agree on it.
add_compile_options("SHELL:-include ${CMAKE_CURRENT_LIST_DIR}/rapidjson_assert.h")
include(${CMAKE_CURRENT_LIST_DIR}/find_mysqlcppconn.cmake)
if(MILEAGE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
