#pragma once

#include <QStringList>

namespace lobby::app {

// `lobby admin --data-dir DIR VERB ...`: provisions a data folder without the GUI. The created
// id (or API key) is the last line on stdout; errors go to stderr with a non-zero exit code.
int runAdmin(const QStringList &arguments);

} // namespace lobby::app
