# The fuzz targets. In every build each is replayed over its seeds and over
# the inputs that once found a bug (tests/fuzz/regressions/NAME), in
# ctest. With -DHMMM_FUZZ=ON (clang) they are also built as libFuzzer
# programs, fuzz_NAME; scripts/fuzz.sh runs them.
set(HMMM_FUZZ_TARGETS markdown rules config check office)
foreach(name IN LISTS HMMM_FUZZ_TARGETS)
  add_executable(fuzz_replay_${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_${name}.c
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/replay.c)
  target_include_directories(fuzz_replay_${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(fuzz_replay_${name} PRIVATE ${HMMM_WARNINGS})
  target_link_libraries(fuzz_replay_${name} PRIVATE hmmm_obj)
  set(inputs ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/${name})
  if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${name})
    list(APPEND inputs ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${name})
  endif()
  add_test(NAME fuzz.replay.${name} COMMAND fuzz_replay_${name} ${inputs})
  set_tests_properties(fuzz.replay.${name} PROPERTIES LABELS fuzz)
  if(HMMM_FUZZ)
    add_executable(fuzz_${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_${name}.c)
    target_include_directories(fuzz_${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(fuzz_${name} PRIVATE hmmm_obj)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  endif()
endforeach()
