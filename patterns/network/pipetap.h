// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QByteArrayView>

namespace PatternScope {

// Watches one direction of a relayed connection: the bytes as the source wrote them, and how far
// delivery to the target has come. What a protocol recorder needs to time what crosses.
class PipeTap {
public:
    virtual ~PipeTap() = default;
    virtual void read(QByteArrayView bytes, TimeUs at) = 0;
    virtual void delivered(qint64 total, TimeUs at) = 0;
    // The rest will never arrive (a cut, or the connection ended first).
    virtual void dropped(TimeUs at) = 0;
};

} // namespace PatternScope
