# The full chat path (issue 8, benchmark 3): ChatService's group commit.
lobby_test(tst_groupcommit unit/tst_groupcommit.cpp)
# Again on PostgreSQL (savepoints and a deferred constraint there), see tests/postgres.cmake.
add_test(NAME tst_groupcommit_pg COMMAND tst_groupcommit)
set_tests_properties(tst_groupcommit_pg PROPERTIES FIXTURES_REQUIRED postgres TIMEOUT 300
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LOBBY_TEST_DATABASE=${CMAKE_BINARY_DIR}/postgres/url")
