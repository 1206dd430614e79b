// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exportformat.h"
#include "exports.h"

#include <QImage>
#include <QSize>
#include <memory>

namespace PatternScope {

// The trace played back as a video for slides: frames painted by the view's painter (SequencePainter) at a
// fixed frame rate, following the playback at ExportOptions::speed the way the live view follows the head (the
// playback time at the bottom, the diagram scrolling up). WebM and MP4 are encoded by Debian's ffmpeg, run as a
// process that reads raw RGB frames on its standard input; an animated PNG is written here, without ffmpeg.
namespace VideoExport {

enum class Format { WebM, Mp4, Apng };

constexpr int FramesPerSecond = 25;
constexpr int MinWidth = 160;
constexpr int MaxWidth = 3840;
constexpr int MinHeight = 120;
constexpr int MaxHeight = 2160;

// The frames of one export: frame i shows the trace as of range.from + i / FramesPerSecond * speed, the last
// one as of the range's end.
class Frames {
public:
    // With options.captions Burn, the narration (Narration::captions of the trace, as `patternId` tells it) is
    // painted in a band under the diagram.
    Frames(const Trace& trace, const ExportRange& range, const ExportOptions& options, const QString& patternId = {});
    ~Frames();

    int count() const;
    TimeUs timeOf(int frame) const;
    QSize size() const;
    // 32-bit RGB, size() large.
    QImage paint(int frame) const;
    // The caption burned into a frame (empty: none).
    QString captionOf(int frame) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// What is wrong with the video options for `format`, naming the flag and the range ("--speed must be between
// 0.1 and 10, not 20"), or empty when they are fine. WebM and MP4 (yuv420p) need even dimensions.
QString checkOptions(const ExportOptions& options, Format format);
// "1280x720" into width and height; false if it is not of that form.
bool parseSize(const QString& text, int* width, int* height);

// Where ffmpeg is (found on PATH), or empty.
QString ffmpegProgram();
// The one line a user gets when WebM or MP4 is asked for without ffmpeg.
QString ffmpegMissingMessage();

// Writes atomically (a temporary file beside `path`, renamed at the end): on failure or cancel the file at
// `path` is left as it was and nothing else is left behind. Progress is frames painted and encoded (0..1).
// With options.captions Vtt, the captions are written beside it too (vttPath()), atomically as well.
bool write(const Trace& trace, const ExportRange& range, Format format, const ExportOptions& options,
    const QString& path, FileError* error, const ExportProgress& progress = {}, const QString& patternId = {});
// Where `--captions vtt` writes the captions of the video at `path`: OUT.webm -> OUT.vtt.
QString vttPath(const QString& path);
// Writes the WebVTT captions (Export::webVtt) to `path`, atomically.
bool writeVtt(const Trace& trace, const TraceHeader& header, const ExportRange& range, const ExportOptions& options,
    const QString& path, FileError* error, const ExportProgress& progress = {});

// The rows of the export format table for WebM, MP4, APNG and WebVTT.
const QList<ExportFormat>& formats();

} // namespace VideoExport

} // namespace PatternScope
