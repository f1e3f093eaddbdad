# PostgreSQL: a real server from Debian's `postgresql` package in a temporary cluster
# on a free loopback port (tests/postgres/cluster.sh), started once per ctest run. Its URL goes
# to build/postgres/url, which LOBBY_TEST_DATABASE points the suites at (test::TestDatabase
# then works in a fresh schema per database).
set(LOBBY_PG_STATE ${CMAKE_BINARY_DIR}/postgres)
add_test(NAME postgres_start
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/postgres/cluster.sh start ${LOBBY_PG_STATE})
set_tests_properties(postgres_start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 120)
add_test(NAME postgres_stop
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/postgres/cluster.sh stop ${LOBBY_PG_STATE})
set_tests_properties(postgres_stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 120)

# The suites whose code runs SQL, a second time on PostgreSQL (name_pg). The others (hub, auth
# primitives, the Pusher protocol, the assistant, QML) touch no SQL beyond what these cover.
foreach(suite tst_migrations tst_store tst_chatservice tst_reads tst_guestdomain tst_consolemodels
              tst_httpserver tst_widget tst_guestapi tst_accounts)
    add_test(NAME ${suite}_pg COMMAND ${suite})
    set_tests_properties(${suite}_pg PROPERTIES FIXTURES_REQUIRED postgres TIMEOUT 300
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LOBBY_TEST_DATABASE=${LOBBY_PG_STATE}/url")
endforeach()

# Two instances' ChatServices relaying events through LISTEN/NOTIFY (skips without PostgreSQL).
lobby_test(tst_cluster unit/tst_cluster.cpp)
set_tests_properties(tst_cluster PROPERTIES FIXTURES_REQUIRED postgres
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LOBBY_TEST_DATABASE=${LOBBY_PG_STATE}/url")

# Two real `lobby --database postgresql://...` processes: cross-instance delivery end to end.
lobby_node_test(node_cluster cluster.test.js)
set_tests_properties(node_cluster PROPERTIES FIXTURES_REQUIRED "node;postgres"
    ENVIRONMENT "LOBBY=$<TARGET_FILE:lobby>;NODE_PATH=${CMAKE_BINARY_DIR}/node/node_modules;LOBBY_PG_URL_FILE=${LOBBY_PG_STATE}/url")

# The Pusher side of two instances: A's HTTP API reaches and counts B's subscribers; client
# events and presence cross.
lobby_node_test(node_pusher_cluster pusher.cluster.test.js)
set_tests_properties(node_pusher_cluster PROPERTIES FIXTURES_REQUIRED "node;postgres"
    ENVIRONMENT "LOBBY=$<TARGET_FILE:lobby>;NODE_PATH=${CMAKE_BINARY_DIR}/node/node_modules;LOBBY_PG_URL_FILE=${LOBBY_PG_STATE}/url")

# README's two instances behind Debian's nginx, really run on loopback.
add_test(NAME nginx_two_instances
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/nginx/two_instances.sh)
set_tests_properties(nginx_two_instances PROPERTIES FIXTURES_REQUIRED postgres TIMEOUT 120
    ENVIRONMENT "LOBBY=$<TARGET_FILE:lobby>;LOBBY_PG_URL_FILE=${LOBBY_PG_STATE}/url")
