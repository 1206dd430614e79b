// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace PatternScope {

class MainWindow;

// File > Proxy a server…: asks where the user's server is, where clients should connect and the link's
// latency, then starts the proxy in `window`, which shows what crosses live.
void askProxy(MainWindow* window);

} // namespace PatternScope
