# Golden command-line tests: one ctest test per folder in cases/, run by
# run_case.sh inside that folder, comparing stdout, stderr and the exit
# status with the expected.* files. See run_case.sh for the case layout.

file(GLOB HMMM_CLI_CASES LIST_DIRECTORIES true CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_LIST_DIR}/cases/*)
list(SORT HMMM_CLI_CASES)
foreach(case_dir IN LISTS HMMM_CLI_CASES)
  if(NOT IS_DIRECTORY ${case_dir})
    continue()
  endif()
  get_filename_component(case_name ${case_dir} NAME)
  add_test(NAME cli.${case_name}
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/run_case.sh $<TARGET_FILE:hmmm_cli> ${case_dir})
  set_tests_properties(cli.${case_name} PROPERTIES LABELS cli)
endforeach()

# What hmmm does when its surroundings misbehave: symlink loops, vanished
# files, a full disk, a reader that stops early, unreadable folders.
add_test(NAME cli.surroundings
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/surroundings.sh $<TARGET_FILE:hmmm_cli>)
set_tests_properties(cli.surroundings PROPERTIES LABELS cli)

# Inputs of a size or shape a line-based tool might trip on: 100 MB on one
# line, as text and as Markdown, 100,000 lines with mixed ends, and rule
# and config files too big to be real.
if(HMMM_LONG_TESTS)
  add_test(NAME cli.big-inputs
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/big-inputs.sh $<TARGET_FILE:hmmm_cli>)
  set_tests_properties(cli.big-inputs PROPERTIES LABELS cli)
endif()

# --fix and --diff on the example draft: the diff applies, --fix writes the
# same, keeps permissions, reports what is left, and refuses stdin.
add_test(NAME cli.fix
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/fix.sh $<TARGET_FILE:hmmm_cli>)
set_tests_properties(cli.fix PROPERTIES LABELS cli)

# --write-baseline and --baseline: lines added above do not revive a known
# finding; new ones, and ones whose words around changed, are reported.
add_test(NAME cli.baseline
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/baseline.sh $<TARGET_FILE:hmmm_cli>)
set_tests_properties(cli.baseline PROPERTIES LABELS cli)
