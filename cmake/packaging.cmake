# `cpack -G DEB` in the build folder: lobby_<version>_amd64.deb with /usr/bin/lobby, the menu
# entry, icons, AppStream metainfo and lobby.service (see "Operating Lobby" in the README).
include(GNUInstallDirs)
# cpack (and the package test) install what is built; they do not build the whole tree first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(packaging ${CMAKE_SOURCE_DIR}/resources/packaging)
install(TARGETS lobby RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${packaging}/lobby.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
configure_file(${packaging}/io.github.lobby.Lobby.metainfo.xml
               ${CMAKE_BINARY_DIR}/packaging/io.github.lobby.Lobby.metainfo.xml @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/packaging/io.github.lobby.Lobby.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${packaging}/lobby.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 48 128 256)
    install(FILES ${packaging}/lobby-${size}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
            RENAME lobby.png)
endforeach()
# Debian keeps units and sysusers under /lib (usrmerge makes it /usr/lib as well).
install(FILES ${packaging}/lobby.service DESTINATION /lib/systemd/system)
install(FILES ${packaging}/lobby.sysusers DESTINATION /usr/lib/sysusers.d RENAME lobby.conf)

set(CPACK_PACKAGE_NAME lobby)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "The Lobby developers <lobby@lobby.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Front-desk chat for small hotels and salons")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # lobby_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # the shared libraries, from dpkg-shlibdeps
# What the linker does not see: the SQL drivers and QML modules Qt loads at run time.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libqt6sql6-sqlite, libqt6sql6-psql, libqt6svg6, qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-templates, qml6-module-qtquick-window, qml6-module-qtquick-dialogs, qml6-module-qtqml, qml6-module-qtqml-workerscript, adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${packaging}/postinst ${packaging}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
