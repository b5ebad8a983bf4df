# CommonMark conformance test: hmmm checks exactly the words CommonMark
# renders as prose, for every example of the CommonMark specification.
# The examples live in shared/conformance/, beside the checkout; when they
# are not there (a clone elsewhere) the test is skipped, and .ci/run fails
# if it was skipped there.

set(HMMM_COMMONMARK_JSON
    ${PROJECT_SOURCE_DIR}/../shared/conformance/commonmark-0.31.2.json
    CACHE FILEPATH "The CommonMark 0.31.2 examples as JSON")

add_executable(test_commonmark ${CMAKE_CURRENT_LIST_DIR}/test_commonmark.c)
target_include_directories(test_commonmark PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(test_commonmark PRIVATE ${HMMM_WARNINGS})
target_link_libraries(test_commonmark PRIVATE hmmm_obj PkgConfig::CMOCKA PkgConfig::JANSSON)
add_test(NAME conformance.commonmark COMMAND test_commonmark ${HMMM_COMMONMARK_JSON})
set_tests_properties(conformance.commonmark PROPERTIES LABELS conformance
  SKIP_RETURN_CODE 77)
