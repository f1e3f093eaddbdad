# The full chat path (benchmark 3, bench/chatpath): ChatService's group commit and the statements of a
# post.
lobby_test(tst_chatpath unit/tst_chatpath.cpp)
# Again on PostgreSQL (savepoints and a deferred constraint there), see tests/postgres.cmake.
add_test(NAME tst_chatpath_pg COMMAND tst_chatpath)
set_tests_properties(tst_chatpath_pg PROPERTIES FIXTURES_REQUIRED postgres TIMEOUT 300
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LOBBY_TEST_DATABASE=${CMAKE_BINARY_DIR}/postgres/url")
