// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;

namespace PatternScope {

class Pattern;
class Trace;

// Above the diagram while a class joins a served run (File > Serve to a class…): the join address in
// letters a room can read off a projector, a button that copies it, who can reach it, and how the class is
// doing — students on the diagram, connections open, requests the door turned away. Hidden otherwise.
class ClassBar : public QFrame {
    Q_OBJECT
public:
    explicit ClassBar(QWidget* parent = nullptr);

    // The served pattern (its door open) and the trace it records into; nullptr hides the bar. The
    // lifelines already in the trace are the run's own (its server, producer, broker): students are
    // those that come after.
    void setRun(const Pattern* pattern, const Trace* trace);
    // Reads the door's and the trace's counts again (the window's status timer calls it).
    void refresh();

    QString joinUrl() const { return m_url; }
    QString countsText() const;
    int students() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // The largest size, up to one and a half times the text's, at which the whole address fits: a token cut
    // short is no use to a student.
    void fitUrl();

    QPointer<const Pattern> m_pattern;
    const Trace* m_trace = nullptr;
    int m_ownLifelines = 0;
    QString m_url;
    QLabel* m_urlLabel = nullptr;
    QLabel* m_reach = nullptr;
    QLabel* m_counts = nullptr;
    QPushButton* m_copy = nullptr;
};

} // namespace PatternScope
