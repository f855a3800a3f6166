# Project warning flags; MILEAGE_WERROR turns them into errors (CI and scripts/test).
function(mileage_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wimplicit-fallthrough)
  if(MILEAGE_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 with ASan reports false maybe-uninitialized positives inside libstdc++'s
    # <regex> (GCC bug 105562); the warning stays on in every non-sanitizer build.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(MILEAGE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
