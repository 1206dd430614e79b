// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fileerror.h"
#include "tracefile.h"

#include <QObject>

class QMenu;

namespace PatternScope {

class MainWindow;

// The window's File menu: open and save a trace, open a recent one, export, import a browser's HAR; and
// traces or HAR files dropped onto the window. It owns the file dialogs, progress dialogs and error boxes;
// the window owns what is shown and how a trace that was read replaces it (MainWindow::openTrace, importHar).
class FileMenu : public QObject {
    Q_OBJECT
public:
    explicit FileMenu(MainWindow* window);

    // Adds Open…, Open Recent, Save as…, Export… and Import HAR… to `menu`.
    void addTo(QMenu* menu);

    // Opens files as a drop or Open Recent hands them over (OpenFiles::open): the first in this window, each
    // further one in a new window; what cannot be opened is said in a box, and leaves the recent list.
    void openFiles(const QStringList& paths);

    QMenu* recentMenu() const { return m_recent; }

    // Reads a HAR file with a progress dialog that can cancel it: then Cancelled, and nothing to say.
    bool readHar(const QString& path, Trace* trace, TraceHeader* header, FileError* error, QStringList* warnings);

protected:
    // Drops onto the window: local traces and HAR files are accepted, anything else is refused at the cursor.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fillRecent();
    void openTrace();
    void saveTrace();
    void exportTrace();
    void importHar();

    MainWindow* m_window = nullptr;
    QMenu* m_recent = nullptr;
};

} // namespace PatternScope
