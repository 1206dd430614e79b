// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fileerror.h"
#include "tracefile.h"

#include <QObject>

class QMenu;

namespace PatternScope {

class MainWindow;

// The window's File menu: open and save a trace, export, import a browser's HAR. It owns the file
// dialogs, progress dialogs and error boxes; the window owns what is shown and how a trace that was
// read replaces it (MainWindow::openTrace, importHar).
class FileMenu : public QObject {
    Q_OBJECT
public:
    explicit FileMenu(MainWindow* window);

    // Adds Open…, Save as…, Export… and Import HAR… to `menu`.
    void addTo(QMenu* menu);

    // Reads a HAR file with a progress dialog that can cancel it: then Cancelled, and nothing to say.
    bool readHar(const QString& path, Trace* trace, TraceHeader* header, FileError* error, QStringList* warnings);

private:
    void openTrace();
    void saveTrace();
    void exportTrace();
    void importHar();

    MainWindow* m_window = nullptr;
};

} // namespace PatternScope
