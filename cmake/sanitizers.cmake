# AddressSanitizer + UndefinedBehaviorSanitizer for every target when MILEAGE_SANITIZE is ON.
if(MILEAGE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # Executables are not position-independent here: a PIE test binary spent half of its start
  # (0.37 s of each of the ~1,900 test processes) relocating ASan's metadata. Release builds
  # stay PIE.
  add_link_options($<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>)
endif()
