#pragma once

#include <QString>

namespace lobby::app {

class ConsoleController;

// LOBBY_CONSOLE_TRANSCRIPT=FILE, for end-to-end tests of the console: after every change of
// what the console's models show (the inbox as filtered on screen, the open conversation's
// messages, its details, the sign-in), one JSON line describing them is appended to FILE. It
// reads the same models the QML binds to and changes nothing. Does nothing when `path` is empty.
void startConsoleTranscript(ConsoleController &controller, const QString &path);

} // namespace lobby::app
