# AddressSanitizer + UndefinedBehaviorSanitizer for every target when MILEAGE_SANITIZE is ON.
if(MILEAGE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
