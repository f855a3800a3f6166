# Project warning flags; MILEAGE_WERROR turns them into errors (CI and scripts/test).
function(mileage_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wimplicit-fallthrough)
  if(MILEAGE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
