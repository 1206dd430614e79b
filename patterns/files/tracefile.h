// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The trace file (docs/trace-format.md): its header line, the writer that streams a run to it and the
// reader that loads it back.
#include "traceheader.h"
#include "tracereader.h"
#include "tracewriter.h"
