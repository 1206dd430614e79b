// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace PatternScope::Test {

// Runs the event loop until pred() holds or the timeout passes, and returns pred().
// QTest::qWait and QTRY_* sleep 10 ms between event rounds, which would delay the link's timers
// and spoil timing measurements; this keeps the loop spinning freely (the 1 ms timer only re-checks
// the condition, it never blocks).
template <typename Pred> bool waitUntil(Pred pred, int timeoutMs = 5000)
{
    if (pred())
        return true;
    QEventLoop loop;
    QTimer check;
    check.setTimerType(Qt::PreciseTimer);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (pred())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    check.start(1);
    loop.exec();
    return pred();
}

} // namespace PatternScope::Test
