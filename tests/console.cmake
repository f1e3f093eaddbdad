# The staff console: its models and ChatService operations (Qt Test, under
# QAbstractItemModelTester) and its views (Qt Quick Test against a real core thread).
lobby_test(tst_consolemodels unit/tst_consolemodels.cpp)
# CoreTasks (core thread -> GUI thread) and the typing throttle, against a real core thread.
lobby_test(tst_coretasks unit/tst_coretasks.cpp)
target_link_libraries(tst_coretasks PRIVATE lobby_app)

add_executable(tst_console_qml qml/tst_console_qml.cpp)
target_link_libraries(tst_console_qml PRIVATE lobby_app lobby_appplugin lobby_console lobby_consoleplugin
                                             Qt6::QuickTest Qt6::Quick Qt6::Qml)
target_compile_definitions(tst_console_qml PRIVATE
                           QUICK_TEST_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}/qml")
add_test(NAME tst_console_qml COMMAND tst_console_qml -input ${CMAKE_CURRENT_SOURCE_DIR}/qml)
set_tests_properties(tst_console_qml PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen"
                     TIMEOUT 300)

# `lobby --demo --screenshot FILE.png` renders the console offscreen, saves a PNG and exits 0.
add_test(NAME console_screenshot
         COMMAND bash -c "mkdir -p \"$0\" && rm -rf \"$0/shot-data\" \"$0/shot.png\" && \"$1\" --demo --data-dir \"$0/shot-data\" --listen 127.0.0.1:0 --screenshot \"$0/shot.png\" && head -c 8 \"$0/shot.png\" | grep -q PNG"
                 ${CMAKE_CURRENT_BINARY_DIR}/console-screenshot $<TARGET_FILE:lobby>)
set_tests_properties(console_screenshot PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen"
                     TIMEOUT 120)

# Icons are SVG files in the resources: no emoji or symbol glyph in the console's QML, since a
# desktop without an emoji font (Debian's default) draws them as empty boxes.
add_test(NAME console_no_glyph_icons
         COMMAND bash -c "! grep -nP '[\\x{2190}-\\x{21FF}\\x{2300}-\\x{23FF}\\x{25A0}-\\x{27BF}\\x{2B00}-\\x{2BFF}\\x{1F000}-\\x{1FFFF}]' \"$0\"/*.qml"
                 ${CMAKE_SOURCE_DIR}/qml)
