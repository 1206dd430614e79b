// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace PatternScope {

// Why reading or writing a file failed: a code for the program to act on (say nothing after a
// cancel, offer a split when a diagram is too large) and one line for the user. Callers compare
// codes, never the text, so the text can be reworded freely.
struct FileError {
    enum class Code {
        None,
        Cancelled, // the user stopped it through the progress callback
        TooLarge, // more than the format or its tool takes: Mermaid's character limit, a PNG's pixels
        Io, // a file or device that cannot be opened, read, written or committed
        BadInput, // what was read is not what it should be: not JSON, not a HAR, not a trace
        MissingTool, // a program the export runs is not installed (ffmpeg for WebM and MP4)
    };

    Code code = Code::None;
    QString message;

    bool isCancelled() const { return code == Code::Cancelled; }

    // Fills `*error` when there is one (callers may pass nullptr) and returns false, so that a
    // failing function can end with `return FileError::fail(error, …);`.
    static bool fail(FileError* error, Code code, const QString& message)
    {
        if (error)
            *error = { code, message };
        return false;
    }
};

} // namespace PatternScope
