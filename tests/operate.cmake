# Operating Lobby: backup and restore, the instance lock, JSON logs (the real binary), and the
# Debian package (cpack, dpkg-deb, the installed binary headless).
add_test(NAME operate COMMAND ${CMAKE_COMMAND} -E env LOBBY=$<TARGET_FILE:lobby>
         bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_operate.sh)
set_tests_properties(operate PROPERTIES TIMEOUT 300)
add_test(NAME package COMMAND ${CMAKE_COMMAND} -E env BUILD=${CMAKE_BINARY_DIR}
         VERSION=${PROJECT_VERSION} bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_package.sh)
# cpack installs the already-built binary (it would rebuild nothing).
set_tests_properties(package PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
